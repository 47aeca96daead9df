import Previews

/// The BIF reader on arbitrary bytes; what it accepts re-encodes to a file that decodes the same.
func fuzzBIF(_ input: [UInt8]) {
    guard let decoded = try? BIFFile.decode(input) else { return }
    guard decoded.images.count <= input.count else { violated("more images than bytes", input) }
    // Re-encode only what the writer accepts: whole seconds between frames.
    guard decoded.separationMilliseconds % 1000 == 0, decoded.separationMilliseconds > 0 else { return }
    guard let encoded = try? BIFFile.encode(images: decoded.images, intervalSeconds: decoded.separationMilliseconds / 1000)
    else { return }
    guard let again = try? BIFFile.decode(encoded) else { violated("encoded BIF does not decode", input) }
    guard again.images == decoded.images, again.separationMilliseconds == decoded.separationMilliseconds else {
        violated("BIF round trip changed the images", input)
    }
}
