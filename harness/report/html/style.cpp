// The page's only stylesheet, inlined: light by default, dark when the reader's system asks
// for it, and plain black on white on paper. Chart colours are CSS variables, so the SVG
// follows the scheme.
#include "report/html/parts.hpp"

namespace mtls::report::html {

std::string style_css() {
  return R"css(
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
  --error: #9a6700; --error-bg: #fff8c5; --skipped: #6e7781; --skipped-bg: #eaeef2;
  --c-full: #0969da; --c-resumed: #1a7f37; --c-total: #8250df; --c-uncorrected: #bf8700;
  --c-throughput: #0969da; --c-ok: #1a7f37; --c-errors: #cf222e;
  --c-client: #0969da; --c-target: #8250df;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --panel: #161b22;
    --pass: #3fb950; --pass-bg: #12261e; --fail: #ff7b72; --fail-bg: #3c1618;
    --error: #d29922; --error-bg: #2e2410; --skipped: #8d96a0; --skipped-bg: #21262d;
    --c-full: #58a6ff; --c-resumed: #3fb950; --c-total: #bc8cff; --c-uncorrected: #d29922;
    --c-throughput: #58a6ff; --c-ok: #3fb950; --c-errors: #ff7b72;
    --c-client: #58a6ff; --c-target: #bc8cff;
  }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 16px 24px 40px; background: var(--bg);
  color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 6px; }
h4 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); }
code, .mono, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
pre { background: var(--panel); padding: 8px; overflow-x: auto; white-space: pre-wrap; }
header#verdict { padding: 12px 16px; border-radius: 6px; border-left: 6px solid var(--pass);
  background: var(--pass-bg); }
header#verdict.fail { border-left-color: var(--fail); background: var(--fail-bg); }
header#verdict p { margin: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px;
  font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.badge.pass { color: var(--pass); } .badge.fail { color: var(--fail); }
.badge.error { color: var(--error); } .badge.skipped { color: var(--skipped); }
.badge.inconclusive { color: var(--error); } .badge.not_checkable { color: var(--skipped); }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr));
  gap: 4px 20px; margin: 8px 0; }
dl.facts div { min-width: 0; }
dt { color: var(--muted); font-size: 12px; }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); font-size: 12px; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.latency td, table.latency th { text-align: right; }
table.latency th[scope=row], table.latency thead th:first-child { text-align: left; }
#matrix tbody tr.fail, #matrix tbody tr.error, #matrix tbody tr.inconclusive { background: var(--fail-bg); }
#matrix tbody tr.fail th, #matrix tbody tr.error th, #matrix tbody tr.inconclusive th { border-left: 4px solid var(--fail); }
#matrix td.cell.fail, #matrix td.cell.error, #matrix td.cell.inconclusive { outline: 2px solid var(--fail); outline-offset: -2px; }
#matrix tbody tr.not_checkable { color: var(--muted); }
#matrix tbody tr.skipped { color: var(--muted); }
#matrix .observed { display: block; margin-top: 2px; }
#matrix .expected, #matrix .client-error { display: block; color: var(--muted); font-size: 12px; }
#matrix .client-error { font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
#mismatches { margin: 8px 0; padding: 8px 8px 8px 28px; background: var(--fail-bg);
  border-left: 4px solid var(--fail); }
#mismatches li { margin: 2px 0; }
.shape { color: var(--muted); margin: 0 0 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure.chart-box { margin: 0; min-width: 0; }
.side { min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { width: 100%; height: auto; display: block; background: var(--bg); }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .frame { fill: none; stroke: var(--muted); stroke-width: 1; }
svg text { fill: var(--fg); font-size: 11px; font-family: system-ui, sans-serif; }
svg .tick { fill: var(--muted); } svg .axis-label { font-size: 12px; }
svg .line { fill: none; stroke: var(--c); stroke-width: 2; stroke-linejoin: round; }
svg .line.dashed { stroke-dasharray: 6 4; stroke-width: 1.5; }
svg .end { fill: var(--c); }
svg .bars { fill: var(--c); } svg .bar { fill-opacity: 0.55; } svg .bar.solid { fill-opacity: 0.85; }
.s-full { --c: var(--c-full); } .s-resumed { --c: var(--c-resumed); }
.s-total { --c: var(--c-total); } .s-uncorrected { --c: var(--c-uncorrected); }
.s-throughput { --c: var(--c-throughput); } .s-ok { --c: var(--c-ok); }
.s-errors { --c: var(--c-errors); } .s-client { --c: var(--c-client); } .s-target { --c: var(--c-target); }
ul.legend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 4px 16px; font-size: 12px; }
.swatch { display: inline-block; width: 18px; height: 4px; margin-right: 6px;
  vertical-align: middle; background: var(--c); }
.swatch.dashed { background: repeating-linear-gradient(90deg, var(--c) 0 6px, transparent 6px 9px); }
.note { color: var(--muted); font-style: italic; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media (max-width: 700px) { .charts { grid-template-columns: 1fr; } body { padding: 8px; } }
@media print {
  :root { color-scheme: light;
    --bg: #fff; --fg: #000; --muted: #444; --line: #bbb; --panel: #f0f0f0;
    --pass-bg: #fff; --fail-bg: #fde7e7; --error-bg: #fff6d6; }
  body { max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .charts { grid-template-columns: 1fr 1fr; gap: 8px; }
  figure.chart-box, .side, tr, dl.facts div, header#verdict { break-inside: avoid; }
  section.phase { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  details > *:not(summary) { display: block; }
}
)css";
}

}  // namespace mtls::report::html
