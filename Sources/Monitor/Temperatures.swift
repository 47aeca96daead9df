/// One temperature sensor reading in degrees Celsius, from a thermal zone or a hwmon input.
public struct TemperatureReading: Sendable, Equatable {
    /// "thermal_zone0" or "hwmon1/temp2".
    public var sensor: String
    /// The zone's `type` ("x86_pkg_temp", "cpu-thermal") or the hwmon `name` plus its `label` ("coretemp Package id 0").
    public var label: String
    public var celsius: Double

    public init(sensor: String, label: String, celsius: Double) {
        self.sensor = sensor
        self.label = label
        self.celsius = celsius
    }

    /// A `temp` or `temp*_input` file: millidegrees Celsius. Readings outside −60…200 °C are sensor faults.
    public static func parseMillidegrees(_ text: String, file: String) throws(ProcParseError) -> Double {
        let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first ?? ""
        guard let milli = Int64(trimmed) else {
            throw ProcParseError(file: file, line: 1, reason: "'\(trimmed)' is not millidegrees")
        }
        let celsius = Double(milli) / 1000
        guard celsius > -60, celsius < 200 else {
            throw ProcParseError(file: file, line: 1, reason: "\(celsius) °C is outside what a sensor reports")
        }
        return celsius
    }

    /// The reading that stands for "the CPU": the package sensor of the CPU's hwmon driver, else a
    /// CPU thermal zone, else the hottest sensor; nil with no sensors at all.
    public static func cpuTemperature(_ readings: [TemperatureReading]) -> Double? {
        let preferred = [
            "coretemp package", "k10temp tctl", "k10temp tdie", "cpu_thermal", "cpu-thermal",
            "x86_pkg_temp", "soc_thermal", "acpitz",
        ]
        for wanted in preferred {
            if let match = readings.first(where: { $0.label.lowercased().hasPrefix(wanted) }) { return match.celsius }
        }
        return readings.map(\.celsius).max()
    }
}
