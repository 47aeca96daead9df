import Plex
import TestSupport
import Testing

/// plex.tv's account of a token and its standing to a server (the Plex sign-in's questions).
@Suite(.enabled(if: FixtureServer.isAvailable, "python3 is needed for the fake Plex"))
struct PlexAccountTests {
    static let ownedServer = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    static let sharedServer = "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed"

    @Test func theAccountOfATokenIsItsIdUsernameAndEmail() async throws {
        let fake = try await FakePlex.shared.get()
        let account = try await fake.plexTV.account(token: fake.token)
        #expect(account == PlexAccount(id: "12345", username: "testuser", email: "testuser@email.com", thumb: nil, title: nil))
    }

    @Test func theStandingToAServerIsOwnerSharedOrNone() async throws {
        let fake = try await FakePlex.shared.get()
        #expect(try await fake.plexTV.standing(token: fake.token, toServer: Self.ownedServer) == .owner)
        #expect(try await fake.plexTV.standing(token: fake.token, toServer: Self.sharedServer) == .shared)
        #expect(try await fake.plexTV.standing(token: fake.token, toServer: "0000000000") == .none)
        // A player the account owns is not a server it can be signed in to.
        #expect(try await fake.plexTV.standing(token: fake.token, toServer: "tv-1") == .none)
    }

    @Test func aWrongTokenHasNoAccount() async throws {
        let fake = try await FakePlex.shared.get()
        let error = await #expect(throws: PlexError.self) { try await fake.plexTV.account(token: "wrong") }
        #expect(error?.kind == .unauthorized)
    }
}
