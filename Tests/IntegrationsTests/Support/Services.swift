import Integrations

/// Integration settings with every app at `url` (the fake) under `key`.
func settings(url: String, key: String = FakeArr.key, timeout: Double = 5, interval: Int = 30, apps: [IntegrationApp] = IntegrationApp.allCases)
    -> IntegrationSettings
{
    var all: [IntegrationApp: AppSettings] = [:]
    for app in apps { all[app] = AppSettings(enabled: true, url: url, apiKey: key) }
    return IntegrationSettings(apps: all, probeIntervalSeconds: interval, timeoutSeconds: timeout, pathMappings: [])
}

/// A service over the fake with quick retries.
func service(_ fake: FakeArr, key: String = FakeArr.key, timeout: Double = 5, clock: IntegrationClock = .system) -> IntegrationService {
    IntegrationService(settings: settings(url: fake.baseURL, key: key, timeout: timeout), clock: clock, retryBase: .milliseconds(5))
}
