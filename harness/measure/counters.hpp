// The load engine's counters, each declared once. Everything that handles them all (the
// structs, their sums across threads and shards, report.json out and in, the checks `merge`
// applies to numbers it reads, the HTML table of every counter) expands these lists, so a
// counter added here reaches each of them; only the curated terminal lines name counters.
//
// X(name, what it counts): `name` is the member and the report.json key.
#pragma once

// A phase's connections and handshakes, in the measured window (PhaseResult::counts) or in
// the drain after it (PhaseResult::drain.counts).
#define MTLS_LOAD_COUNTS(X)                                                                  \
  X(connections, "ended: ok + failed + aborted")                                           \
  X(connections_ok, "every request answered 2xx")                                          \
  X(connections_failed, "one error each, by class in errors")                              \
  X(connections_aborted, "cut off by the end of the drain or a stop: not errors")          \
  X(warmup_connections, "started during warm-up: in no other figure")                      \
  X(arrivals_missed, "open loop: due but never started by the end")                        \
  X(handshakes_full, "completed full handshakes")                                          \
  X(handshakes_resumed, "completed resumed handshakes")                                     \
  X(handshakes_failed, "alert, verify failure, EOF or timeout")                            \
  X(requests, "requests sent")                                                             \
  X(responses, "responses received, any status")                                           \
  X(responses_2xx, "responses with a 2xx status")                                          \
  X(client_sends, "batches of bytes the client sent, one send() each")                     \
  X(refused_as_expected, "failed connections of an identity the gateway must refuse, refused " \
                         "the way the target's profile says: not errors")                    \
  X(wrongly_accepted, "ok connections of an identity the gateway must refuse: a security "   \
                      "failure, whatever the gates")                                         \
  X(unexpected_errors, "every other failed connection: what error_rate counts")

// Session resumption over a phase.
#define MTLS_RESUMPTION_COUNTS(X)                                                            \
  X(tickets_received, "NewSessionTicket messages")                                         \
  X(sessions_saved, "sessions kept for later resumption")                                  \
  X(offered, "connections that offered a saved session")                                   \
  X(accepted, "... and resumed it (SSL_session_reused)")                                   \
  X(no_session, "should have offered one, but none was saved yet")                         \
  X(server_reported, "resumed and the server said so (X-Session-Reused: r)")               \
  X(disagreements, "client and server disagree on resumed")                                \
  X(identity_kept, "resumed with the DN seen on this identity's full handshakes")          \
  X(identity_lost, "resumed with no DN")                                                   \
  X(identity_changed, "resumed with another DN")

// One identity of a phase's mix, over the measured window.
#define MTLS_IDENTITY_COUNTS(X)                                                              \
  X(accepted, "every request answered 2xx")                                                \
  X(refused_as_expected, "refused the way the target's profile says its fault is refused") \
  X(wrongly_accepted, "accepted although its fault must be refused")                       \
  X(unexpected_errors, "any other failure: timeout, reset, a refusal of a valid identity, "  \
                       "a fault refused another way")                                        \
  X(aborted, "cut off by a stop")
