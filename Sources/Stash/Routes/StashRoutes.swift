public import HTTP

/// Every route provider of the Stash feature, in the order `serve` mounts them.
public enum StashRoutes {
    public static func providers(_ stash: StashService) -> [any RouteProvider] {
        [
            SyncRoutes(stash: stash), SceneRoutes(stash: stash), EntityRoutes(stash: stash), ConnectionTestRoutes(stash: stash),
            AnalysisRoutes(stash: stash), OpenAITestRoutes(stash: stash),
        ]
    }
}
