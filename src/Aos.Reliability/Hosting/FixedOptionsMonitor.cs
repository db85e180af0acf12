using Microsoft.Extensions.Options;

namespace Aos.Reliability;

/// <summary>Serves fixed options to a component built without dependency injection.</summary>
internal sealed class FixedOptionsMonitor(ReliabilityOptions options) : IOptionsMonitor<ReliabilityOptions>
{
    public ReliabilityOptions CurrentValue => options;

    public ReliabilityOptions Get(string? name) => options;

    public IDisposable? OnChange(Action<ReliabilityOptions, string?> listener) => null;
}
