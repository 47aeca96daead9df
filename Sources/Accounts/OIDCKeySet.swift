public import Core
public import Fetch
import Synchronization

/// One signature-verification key from a provider's JWKS (RFC 7517): RSA (`n`, `e`) or P-256 (`x`, `y`).
public struct OIDCKey: Sendable, Equatable {
    public enum Material: Sendable, Equatable {
        case rsa(modulus: [UInt8], exponent: [UInt8])
        case p256(x: [UInt8], y: [UInt8])
    }

    public let id: String?
    public let material: Material
    /// The JWK's `alg`, when it names one.
    public let algorithm: String?

    public init(id: String?, material: Material, algorithm: String? = nil) {
        self.id = id
        self.material = material
        self.algorithm = algorithm
    }

    /// Whether this key may check a token signed with `alg`: RS256 needs an RSA key, ES256 a P-256
    /// key (no HS/RS confusion), and a key that names its `alg` only that one.
    public func accepts(_ alg: String) -> Bool {
        if let algorithm, algorithm != alg { return false }
        switch (material, alg) {
        case (.rsa, "RS256"), (.p256, "ES256"): return true
        default: return false
        }
    }

    /// The usable signing keys of a JWKS document. Keys for encryption (`use` other than `sig`), of
    /// other types or curves, for other algorithms, under 2048 bits or with bad numbers are left out;
    /// a set with none left is refused.
    public static func parseSet(_ document: [String: JSON]) throws(OIDCError) -> [OIDCKey] {
        guard case .array(let entries)? = document["keys"] else { throw .badDocument("JWKS has no keys array") }
        guard entries.count <= 64 else { throw .badDocument("JWKS has more than 64 keys") }
        let keys = entries.compactMap { entry -> OIDCKey? in
            guard case .object(let jwk) = entry, case .string(let type)? = jwk["kty"] else { return nil }
            if let use = jwk["use"], use != "sig" { return nil }
            let algorithm = jwk["alg"]?.stringValue
            var id: String?
            if let kid = jwk["kid"] {
                guard case .string(let value) = kid, value.utf8.count <= 256 else { return nil }
                id = value
            }
            func bytes(_ name: String) -> [UInt8]? { jwk[name]?.stringValue.flatMap { JWTSigner.decode(Substring($0)) } }
            let key: OIDCKey
            switch type {
            case "RSA":
                guard let n = bytes("n"), let e = bytes("e"), !e.isEmpty, e.count <= 8 else { return nil }
                let modulus = Array(n.drop { $0 == 0 })
                guard modulus.count >= 256, modulus.count <= 1024 else { return nil }
                key = OIDCKey(id: id, material: .rsa(modulus: modulus, exponent: e), algorithm: algorithm)
            case "EC":
                guard jwk["crv"] == "P-256", let x = bytes("x"), let y = bytes("y"), x.count == 32, y.count == 32 else { return nil }
                key = OIDCKey(id: id, material: .p256(x: x, y: y), algorithm: algorithm)
            default:
                return nil
            }
            return algorithm == nil || key.accepts(algorithm!) ? key : nil
        }
        guard !keys.isEmpty else { throw .badDocument("JWKS has no usable RS256 or ES256 key") }
        return keys
    }
}

/// A provider's key set, fetched from `jwks_uri` on first use and again after `timeToLiveSeconds`.
/// A token naming an unknown `kid` (the provider rotated) refetches the set, but at most once per
/// `minimumRefetchSeconds` and one fetch at a time, so tokens with made-up `kid`s cannot make the
/// appliance hammer the provider.
public final class OIDCKeySet: Sendable {
    public let jwksURI: String
    public let timeToLiveSeconds: Int64
    public let minimumRefetchSeconds: Int64
    private let fetch: FetchClient

    private struct State {
        var keys: [OIDCKey] = []
        var fetchedAt: Int64?
        var lastAttempt: Int64?
        var inFlight: Task<Result<[OIDCKey], OIDCError>, Never>?
    }
    private let state = Mutex(State())

    public init(jwksURI: String, fetch: FetchClient = .oidcDefault, timeToLiveSeconds: Int64 = 3600, minimumRefetchSeconds: Int64 = 60) {
        self.jwksURI = jwksURI
        self.fetch = fetch
        self.timeToLiveSeconds = timeToLiveSeconds
        self.minimumRefetchSeconds = minimumRefetchSeconds
    }

    /// The key for a token whose header names `id` (or none) and `alg`, at `now` (seconds since 1970).
    public func key(id: String?, algorithm: String, now: Int64) async throws(OIDCError) -> OIDCKey {
        let (cached, fresh) = state.withLock { state in
            (state.keys, state.fetchedAt.map { now >= $0 && now - $0 < timeToLiveSeconds } ?? false)
        }
        if fresh, let key = try Self.select(cached, id: id, algorithm: algorithm) { return key }
        guard let keys = try await refresh(now: now) ?? (cached.isEmpty ? nil : cached) else {
            throw .unreachable("key set fetched less than \(minimumRefetchSeconds) s ago failed")
        }
        guard let key = try Self.select(keys, id: id, algorithm: algorithm) else { throw .unknownKey }
        return key
    }

    /// The key named `id` (or the only one fitting `algorithm` when the token names none); nil when
    /// there is none, which may be cured by a refetch. A named key of the wrong type is refused at once.
    static func select(_ keys: [OIDCKey], id: String?, algorithm: String) throws(OIDCError) -> OIDCKey? {
        guard let id else {
            let fitting = keys.filter { $0.accepts(algorithm) }
            return fitting.count == 1 ? fitting[0] : nil
        }
        guard let key = keys.first(where: { $0.id == id }) else { return nil }
        guard key.accepts(algorithm) else { throw .unsupportedAlgorithm(algorithm) }
        return key
    }

    /// Fetches the set unless a fetch is under way (then waits for it) or one started less than
    /// `minimumRefetchSeconds` ago (then nil: use what is cached).
    private func refresh(now: Int64) async throws(OIDCError) -> [OIDCKey]? {
        let task = state.withLock { state -> Task<Result<[OIDCKey], OIDCError>, Never>? in
            if let running = state.inFlight { return running }
            if let last = state.lastAttempt, now >= last, now - last < minimumRefetchSeconds {
                return nil
            }
            state.lastAttempt = now
            let running = Task { await self.download() }
            state.inFlight = running
            return running
        }
        guard let task else { return nil }
        let result = await task.value
        state.withLock { state in
            guard state.inFlight == task else { return }
            state.inFlight = nil
            if case .success(let keys) = result {
                state.keys = keys
                state.fetchedAt = now
            }
        }
        switch result {
        case .success(let keys): return keys
        case .failure(let error):
            // A provider that is down while its set is stale: keep using the keys it had.
            if state.withLock({ !$0.keys.isEmpty }) { return nil }
            throw error
        }
    }

    private func download() async -> Result<[OIDCKey], OIDCError> {
        do throws(OIDCError) {
            let (status, document) = try await fetch.oidcObject(
                FetchRequest(.get, jwksURI, headers: [("Accept", "application/json")]), "JWKS")
            guard status == 200 else { throw .badDocument("JWKS answered status \(status)") }
            return .success(try OIDCKey.parseSet(document))
        } catch {
            return .failure(error)
        }
    }
}
