import Core
public import HTTP

/// 003's image proxy (`/api/v1/images/{type}/{size}/{path}`): TMDb's posters, backdrops, profiles,
/// stills and logos from the local cache (fetched once from TMDb), so clients never talk to TMDb.
/// Names are checked before any I/O; answers are immutable for a week and revalidate by ETag.
public struct ImageRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    static let cacheControl = "public, max-age=604800, immutable"
    /// An SVG is a document: shown on its own it must run nothing.
    static let svgPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

    public var routes: [Route] {
        let images = catalog.images
        return [
            Route.get(
                "/api/v1/images/{type}/{size}/{path}", .authenticated,
                RouteDoc(
                    "A TMDb image through the local cache; 304 when If-None-Match holds its ETag", tag: "images",
                    parameterTypes: [
                        "type": .oneOf(ImageName.sizes.keys.sorted()), "size": .oneOf(Array(Set(ImageName.sizes.values.joined())).sorted()),
                        "path": Schema(["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}\\.(jpg|png|svg|webp)$"]),
                    ],
                    responseSchema: Schema(["type": "string", "format": "binary"]), contentType: "image/*", errors: [304, 400, 404, 502])
            ) { request in
                let name = try ImageName(type: request.parameter("type"), size: request.parameter("size"), file: request.parameter("path"))
                let image = try await images.image(name)
                return Self.answer(image, request: request)
            }
        ]
    }

    /// The image, or 304 when the client's `If-None-Match` names its ETag.
    static func answer(_ image: ImageCache.Image, request: Request) -> Response {
        var headers = Headers([("ETag", image.etag), ("Cache-Control", cacheControl)])
        if image.contentType == "image/svg+xml" { headers.add("Content-Security-Policy", svgPolicy) }
        if let match = request.headers["If-None-Match"],
            match.split(separator: ",").contains(where: {
                let tag = $0.trimmingWhitespace(); return tag == "*" || tag == image.etag || tag == "W/" + image.etag
            })
        {
            return Response(status: 304, headers: headers)
        }
        headers.add("Content-Type", image.contentType)
        return Response(status: 200, headers: headers, body: image.bytes)
    }
}
