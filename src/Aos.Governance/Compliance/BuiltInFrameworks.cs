using System.Text.Json;

namespace Aos.Governance.Compliance;

/// <summary>Loads the frameworks that ship with AOS from the assembly's embedded JSON, checked as custom frameworks are.</summary>
internal static class BuiltInFrameworks
{
    private static readonly Lazy<IReadOnlyList<CompiledFramework>> Loaded = new(Load);

    public static IReadOnlyList<string> Ids { get; } = ["soc2", "iso27001"];

    public static IReadOnlyList<CompiledFramework> All => Loaded.Value;

    public static bool IsBuiltIn(string id) => Ids.Contains(id, StringComparer.Ordinal);

    private static CompiledFramework[] Load() => [.. Ids.Select(id =>
    {
        var name = $"Aos.Governance.Compliance.{id}.json";
        using var stream = typeof(BuiltInFrameworks).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The built-in compliance framework resource '{name}' is missing from the assembly.");
        var framework = JsonSerializer.Deserialize(stream, ComplianceJsonContext.Default.ComplianceFramework)
            ?? throw new InvalidOperationException($"The built-in compliance framework resource '{name}' is empty.");
        return ComplianceValidation.Compile(framework with { BuiltIn = true });
    })];
}
