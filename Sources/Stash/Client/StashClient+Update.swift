public import Core

extension StashClient {
    /// Writes one scene (`input` is a `SceneUpdateInput`: the `id` and only the fields to set) and
    /// answers the scene as Stash now has it, in the sync's shape. Setting the same values twice is
    /// harmless, so a retry after a 5xx is safe.
    public func updateScene(_ input: JSON) async throws(StashError) -> JSON {
        let query = "mutation ApplySceneUpdate($input: SceneUpdateInput!) { sceneUpdate(input: $input) { \(Self.sceneFields) } }"
        let data = try await send(query, operation: "ApplySceneUpdate", variables: ["input": input])
        guard let scene = data["sceneUpdate"], scene.objectValue != nil else {
            throw StashError.upstream("Stash's sceneUpdate answer is not the shape expected")
        }
        return scene
    }
}
