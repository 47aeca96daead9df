import Core
import HTTP
import Store

/// The cast and crew routes of movies and series: a page of credits of an item the caller may see.
enum CreditRoute {
    /// `GET <base>/{id}/<type>`; `visible` throws a 404 when the caller may not see the item.
    static func make(
        _ catalog: CatalogService, base: String, tag: String, owner: String, table: String, type: String, summary: String,
        visible: @escaping @Sendable (Connection, Principal, String) throws -> Void
    ) -> Route {
        Route.get(
            "\(base)/{id}/\(type)", .permission("media:read"),
            RouteDoc(
                summary, tag: tag, query: ["limit", "offset"],
                parameterTypes: ["id": .string(maxLength: 64)].merging(CatalogQuery.pageTypes()) { $1 },
                responseSchema: CatalogRows.pageSchema(CatalogRows.creditSchema(owner: owner)), errors: [404])
        ) { request in
            let id = request.parameter("id")
            let page = try CatalogQuery(request).page(default: 50)
            let principal = request.principal
            return .json(try await catalog.perform { connection in
                try visible(connection, principal, id)
                let credits = try CreditPage.read(
                    connection, table: table, owner: owner, id: id, type: type, limit: page.limit, offset: page.offset)
                return CatalogRows.page(
                    credits.rows.map { CatalogRows.credit($0, owner: owner) }, total: credits.total, limit: page.limit, offset: page.offset)
            })
        }
    }
}
