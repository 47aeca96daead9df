internal import CMicroHTTPD

/// The C entry points libmicrohttpd calls on its own threads. They touch no global or main-actor state:
/// everything they reach comes through their `cls` pointer (the retained `ServerCore`) or the
/// per-request pointer (a retained `PendingRequest`).
enum MHDCallbacks {
    static let access: MHD_AccessHandlerCallback = { cls, connection, url, method, version, data, size, perRequest in
        guard let cls, let connection, let perRequest, let size else { return .NO }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        if let existing = perRequest.pointee {
            let state = Unmanaged<PendingRequest>.fromOpaque(existing).takeUnretainedValue()
            if size.pointee > 0 {
                let keep = data.map { core.receive(state, UnsafeRawBufferPointer(start: $0, count: size.pointee)) } ?? true
                size.pointee = 0
                return keep ? .YES : .NO
            }
            return core.complete(state, connection: connection)
        }
        let state = core.begin(
            connection: connection, url: url.map { String(cString: $0) } ?? "/",
            method: method.map { String(cString: $0) } ?? "GET", version: version.map { String(cString: $0) } ?? "")
        perRequest.pointee = Unmanaged.passRetained(state).toOpaque()
        if core.mustAnswerBeforeBody(state), let early = state.earlyResponse {
            state.dispatched = true
            return core.queue(early, state, connection)
        }
        return .YES
    }

    static let completed: MHD_RequestCompletedCallback = { cls, _, perRequest, _ in
        guard let cls, let perRequest, let existing = perRequest.pointee else { return }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        let state = Unmanaged<PendingRequest>.fromOpaque(existing).takeRetainedValue()
        perRequest.pointee = nil
        core.forget(state)
    }
}
