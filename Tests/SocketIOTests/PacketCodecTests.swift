import Core
import Testing

@testable import SocketIO

@Suite struct PacketCodecTests {
    @Test func engineIOPacketsRoundTrip() {
        let packets: [EngineIOPacket] = [.open("{}"), .close, .ping("probe"), .pong(""), .message("40"), .upgrade, .noop]
        for packet in packets {
            #expect(EngineIOPacket.decode(Substring(packet.encoded)) == packet)
        }
    }

    @Test func pollingPayloadsSplitOnTheRecordSeparator() {
        let body = EngineIOPacket.encodePayload(["40", "42[\"hi\"]", "3"])
        #expect(body == "40\u{1E}42[\"hi\"]\u{1E}3")
        #expect(EngineIOPacket.decodePayload(body) == [.message("0"), .message("2[\"hi\"]"), .pong("")])
    }

    @Test func binaryAndUnknownEngineIOPacketsAreRefused() {
        #expect(EngineIOPacket.decodePayload("4hello\u{1E}bAQID") == nil)
        #expect(EngineIOPacket.decode("9") == nil)
        #expect(EngineIOPacket.decode("") == nil)
    }

    @Test func socketIOConnectWithNamespaceAndAuth() throws {
        let packet = try SocketIOPacket.decode("0/admin,{\"token\":\"abc\"}")
        #expect(packet.kind == .connect)
        #expect(packet.namespace == "/admin")
        #expect(packet.data?.objectValue?["token"]?.stringValue == "abc")
        #expect(try SocketIOPacket.decode("0") == SocketIOPacket(kind: .connect))
        #expect(try SocketIOPacket.decode("0/media,").namespace == "/media")
    }

    @Test func socketIOEventsAndAcksCarryTheirIDs() throws {
        let event = try SocketIOPacket.decode("2/system,12[\"echo\",{\"a\":1}]")
        #expect(event.kind == .event)
        #expect(event.namespace == "/system")
        #expect(event.id == 12)
        #expect(event.data?.arrayValue?.first?.stringValue == "echo")
        let ack = try SocketIOPacket.decode("37[\"ok\"]")
        #expect(ack.kind == .ack && ack.id == 7 && ack.namespace == "/")
        #expect(SocketIOPacket.event("job:progress", [["p": 5]], namespace: "/system").encoded == "2/system,[\"job:progress\",{\"p\":5}]")
        #expect(SocketIOPacket(kind: .ack, id: 3, data: ["x"]).encoded == "33[\"x\"]")
        #expect(SocketIOPacket(kind: .connectError, namespace: "/admin", data: ["message": "no"]).encoded == "4/admin,{\"message\":\"no\"}")
    }

    @Test func malformedAndBinarySocketIOPacketsAreRefused() {
        #expect(throws: SocketIOPacket.DecodeError.binary) { try SocketIOPacket.decode("51-[\"x\",{\"_placeholder\":true,\"num\":0}]") }
        #expect(throws: SocketIOPacket.DecodeError.self) { try SocketIOPacket.decode("2{\"not\":\"an array\"}") }
        #expect(throws: SocketIOPacket.DecodeError.self) { try SocketIOPacket.decode("2[1,2]") }
        #expect(throws: SocketIOPacket.DecodeError.self) { try SocketIOPacket.decode("3[]") }
        #expect(throws: SocketIOPacket.DecodeError.self) { try SocketIOPacket.decode("2[\"x\"") }
        #expect(throws: SocketIOPacket.DecodeError.self) { try SocketIOPacket.decode("9") }
        #expect(throws: SocketIOPacket.DecodeError.self) { try SocketIOPacket.decode("21234567890123456[\"x\"]") }
    }
}
