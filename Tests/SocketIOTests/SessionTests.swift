import Core
import HTTP
import TestSupport
import Testing

@testable import SocketIO

/// The session logic over a real server and raw HTTP long-polling: the handshake, namespace auth, the
/// caps, acks both ways, emit with its filter, and the ways a session ends.
@Suite struct SessionTests {
    @Test func handshakeAnnouncesTheTimersAndThePayloadCap() async throws {
        let fixture = try SocketIOFixture()
        let reply = try await fixture.get("")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("text/plain") == true)
        let open = try JSON.parseStrict(Array(reply.text.utf8.dropFirst()))
        #expect(open["upgrades"] == ["websocket"])
        #expect(open["pingInterval"]?.intValue == 25000)
        #expect(open["pingTimeout"]?.intValue == 20000)
        #expect(open["maxPayload"]?.intValue == 1_000_000)
        #expect(fixture.socketIO.sessionCount == 1)
        await fixture.stop()
    }

    @Test func badQueriesAndUnknownSessionsAre400() async throws {
        let fixture = try SocketIOFixture()
        #expect(try await RawHTTPClient.request(port: fixture.port, "GET", "/socket.io/?EIO=3&transport=polling").status == 400)
        #expect(try await RawHTTPClient.request(port: fixture.port, "GET", "/socket.io/?EIO=4&transport=carrier-pigeon").status == 400)
        #expect(try await fixture.get("no-such-session").status == 400)
        #expect(try await fixture.post("no-such-session", ["40"]).status == 400)
        await fixture.stop()
    }

    @Test func eachNamespaceChecksItsOwnCredential() async throws {
        let fixture = try SocketIOFixture()
        let cases: [(String, String?, Bool)] = [
            ("/", nil, true), ("/authenticated", nil, false), ("/media", nil, false), ("/admin", nil, false), ("/system", nil, false),
            ("/", "user-ann", true), ("/authenticated", "user-ann", true), ("/media", "user-ann", true),
            ("/admin", "user-ann", false), ("/system", "user-ann", false),
            ("/admin", SocketIOFixture.token, true), ("/system", SocketIOFixture.token, true),
            ("/", "forged", false), ("/media", "forged", false), ("/nowhere", SocketIOFixture.token, false),
        ]
        for (namespace, token, admitted) in cases {
            let (_, answer) = try await fixture.join(namespace, token: token)
            let prefix = namespace == "/" ? "" : namespace + ","
            if admitted {
                #expect(answer.hasPrefix("40" + prefix + "{\"sid\":"), "\(namespace) with \(token ?? "no token"): \(answer)")
            } else {
                #expect(answer.hasPrefix("44" + prefix + "{\"message\":"), "\(namespace) with \(token ?? "no token"): \(answer)")
            }
        }
        await fixture.stop()
    }

    @Test func sessionsAndPerUserConnectionsAreCapped() async throws {
        let fixture = try SocketIOFixture {
            $0.maxSessions = 3
            $0.maxPerUser = 2
        }
        _ = try await fixture.join("/media", token: "user-bob")
        let (sid, _) = try await fixture.join("/media", token: "user-bob")
        _ = try await fixture.post(sid, ["40/authenticated,{\"token\":\"user-bob\"}"])
        #expect(try await fixture.next(sid).first == "44/authenticated,{\"message\":\"Too many connections for this user\"}")
        // Another user is not held back by bob's count; the session cap is.
        let (_, answer) = try await fixture.join("/media", token: "user-cy")
        #expect(answer.hasPrefix("40/media,"))
        #expect(try await fixture.get("").status == 503)
        await fixture.stop()
    }

    @Test func acknowledgementsGoBothWays() async throws {
        let fixture = try SocketIOFixture()
        let (sid, _) = try await fixture.join("/system", token: SocketIOFixture.token)
        _ = try await fixture.post(sid, ["42/system,7[\"echo\",{\"n\":1}]"])
        #expect(try await fixture.next(sid) == ["43/system,7[{\"n\":1}]"])
        // The server asks back with an ack id of its own and answers the first event with the reply.
        _ = try await fixture.post(sid, ["42/system,8[\"echo:reverse\",\"x\"]"])
        let question = try #require(try await fixture.next(sid).first)
        let packet = try SocketIOPacket.decode(String(question.dropFirst()))
        #expect(packet.kind == .event && packet.data == ["echo", "x"])
        let id = try #require(packet.id)
        _ = try await fixture.post(sid, ["43/system,\(id)[\"y\"]"])
        #expect(try await fixture.next(sid) == ["43/system,8[\"y\"]"])
        await fixture.stop()
    }

    @Test func emitReachesTheNamespaceAndHonoursItsFilter() async throws {
        let fixture = try SocketIOFixture()
        let (ann, _) = try await fixture.join("/media", token: "user-ann")
        let (bob, _) = try await fixture.join("/media", token: "user-bob")
        let (outsider, _) = try await fixture.join("/", token: nil)
        let sent = fixture.socketIO.emit("request:updated", ["id": "r1"], namespace: "/media") { $0.user?.id == "ann" }
        #expect(sent == 1)
        #expect(try await fixture.next(ann) == ["42/media,[\"request:updated\",{\"id\":\"r1\"}]"])
        #expect(fixture.socketIO.emit("system:notification", ["type": "info"], namespace: "/media") == 2)
        #expect(try await fixture.next(bob) == ["42/media,[\"system:notification\",{\"type\":\"info\"}]"])
        #expect(fixture.socketIO.emit("x", .null, namespace: "/admin") == 0)
        _ = try await fixture.post(outsider, ["41"])
        #expect(fixture.socketIO.connectionCount(in: "/") == 0)
        await fixture.stop()
    }

    @Test func binaryAndOversizedPayloadsEndTheSession() async throws {
        let fixture = try SocketIOFixture { $0.maxPayload = 1000 }
        let (sid, _) = try await fixture.join("/", token: nil)
        #expect(try await fixture.post(sid, ["451-[\"upload\",{\"_placeholder\":true,\"num\":0}]"]).status == 200)
        #expect(try await fixture.get(sid).status == 400)
        let (other, _) = try await fixture.join("/", token: nil)
        #expect(try await fixture.post(other, ["42[\"echo\",\"" + String(repeating: "x", count: 1000) + "\"]"]).status == 413)
        #expect(try await fixture.get(other).status == 400)
        let (third, _) = try await fixture.join("/", token: nil)
        #expect(try await fixture.post(third, ["bAQID"]).status == 400)
        #expect(try await fixture.get(third).status == 400)
        await fixture.stop()
    }

    @Test func aSilentSessionIsPingedThenDropped() async throws {
        let fixture = try SocketIOFixture {
            // Three seconds to answer the ping, so a loaded machine still joins and sees the ping
            // before the session goes (a full parallel run has stalled the join past one second).
            $0.pingInterval = .milliseconds(200)
            $0.pingTimeout = .seconds(3)
            $0.pollWait = .milliseconds(100)
        }
        let (sid, _) = try await fixture.join("/", token: nil)
        // Each poll is answered within pollWait, so a ping shows within a few. When the whole test run
        // starves this server's timers (two cores, every suite in parallel), the session can already be
        // gone when a poll arrives: that is the same outcome, a silent session dropped.
        var pinged = false
        var gone = false
        for _ in 0..<50 where !pinged && !gone {
            let reply = try await fixture.get(sid)
            gone = reply.status == 400
            pinged = reply.status == 200 && reply.text.split(separator: "\u{1E}").contains("2")
        }
        #expect(pinged || gone)
        // No pong: the table forgets the session.
        for _ in 0..<1000 where fixture.socketIO.sessionCount > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(fixture.socketIO.sessionCount == 0)
        #expect(try await fixture.get(sid).status == 400)
        await fixture.stop()
    }

    @Test func aClientThatStopsPollingIsDroppedWhenItsQueueFills() async throws {
        let fixture = try SocketIOFixture { $0.queuePackets = 4 }
        let (sid, _) = try await fixture.join("/", token: nil)
        for index in 0..<5 { fixture.socketIO.emit("tick", JSON(index), namespace: "/") }
        #expect(try await fixture.get(sid).status == 400)
        #expect(fixture.socketIO.sessionCount == 0)
        await fixture.stop()
    }
}
