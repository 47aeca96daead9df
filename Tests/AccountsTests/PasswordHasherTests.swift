import Accounts
import Testing

struct PasswordHasherTests {
    @Test func hashesVerifyAndUnknownUsersCostAHashToo() async throws {
        let hasher = try PasswordHasher(memoryKiB: 1024, iterations: 1)
        let hash = try await hasher.hash("correct horse")
        #expect(hash.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"))
        #expect(try await hasher.verify("correct horse", hash: hash))
        #expect(try await !hasher.verify("wrong", hash: hash))
        #expect(try await !hasher.verify("correct horse", hash: nil))
    }

    @Test func argon2ReferenceVector() async throws {
        // libargon2's own test vector (argon2id, v=19, m=64 MiB, t=2, p=1, "password", salt "somesalt").
        let encoded = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
        let hasher = try PasswordHasher(memoryKiB: 1024, iterations: 1)
        #expect(try await hasher.verify("password", hash: encoded))
        #expect(try await !hasher.verify("passwore", hash: encoded))
    }

    @Test func aFloodBeyondTheQueueIsRefusedNotQueued() async throws {
        let hasher = try PasswordHasher(memoryKiB: 8192, iterations: 2, parallel: 1, queueLimit: 2)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 {
                group.addTask { (try? await hasher.hash("pw")) != nil }
            }
            var outcomes: [Bool] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(results.contains(true))
        #expect(results.contains(false))
    }
}
