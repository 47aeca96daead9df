import Synchronization

/// Open connections in total and per client address. An address at its limit (64 tricklers behind one
/// NAT) still gets a few restricted connections that may only ask `/api/health`, `/livez` and `/readyz`,
/// so a router's health poll is answered while the others last.
final class ConnectionQuota: Sendable {
    enum Admission: Equatable {
        case normal
        /// Over a limit: health routes only, one request, a short head deadline.
        case restricted
        /// Over the reserve too: answered 503 at once and closed.
        case refused
    }

    private struct State {
        var total = 0
        var reserved = 0
        var perAddress: [String: (normal: Int, reserved: Int)] = [:]
    }
    private let state = Mutex(State())
    let maxTotal: Int
    let maxPerAddress: Int
    let reserveTotal: Int
    let reservePerAddress: Int

    init(maxTotal: Int, maxPerAddress: Int, reserveTotal: Int = 16, reservePerAddress: Int = 2) {
        self.maxTotal = maxTotal
        self.maxPerAddress = maxPerAddress
        self.reserveTotal = reserveTotal
        self.reservePerAddress = reservePerAddress
    }

    func admit(_ address: String) -> Admission {
        state.withLock { state in
            var counts = state.perAddress[address] ?? (0, 0)
            let admission: Admission
            if state.total < maxTotal && counts.normal < maxPerAddress {
                state.total += 1
                counts.normal += 1
                admission = .normal
            } else if state.reserved < reserveTotal && counts.reserved < reservePerAddress {
                state.reserved += 1
                counts.reserved += 1
                admission = .restricted
            } else {
                return .refused
            }
            state.perAddress[address] = counts
            return admission
        }
    }

    func release(_ address: String, _ admission: Admission) {
        state.withLock { state in
            guard var counts = state.perAddress[address] else { return }
            switch admission {
            case .normal:
                state.total -= 1
                counts.normal -= 1
            case .restricted:
                state.reserved -= 1
                counts.reserved -= 1
            case .refused:
                return
            }
            if counts.normal == 0 && counts.reserved == 0 {
                state.perAddress[address] = nil
            } else {
                state.perAddress[address] = counts
            }
        }
    }

    var open: Int { state.withLock { $0.total + $0.reserved } }
}
