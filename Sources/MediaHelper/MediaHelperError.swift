public import MediaProtocol

/// Why a helper request gave no answer: the helper could not be started, or it died (crash, limit,
/// sandbox kill) or broke the protocol. Carries the readable reason the job item records.
public typealias MediaHelperFailure = HelperFailure
