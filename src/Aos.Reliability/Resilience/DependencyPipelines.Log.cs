using Microsoft.Extensions.Logging;

namespace Aos.Reliability;

/// <summary>Logs retries and circuit changes.</summary>
public sealed partial class DependencyPipelines
{
    [LoggerMessage(1, LogLevel.Warning, "A call to {Dependency} failed transiently; try {Attempt} in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string dependency, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "The circuit of {Dependency} opened for {BreakDuration}: calls are refused until a probe succeeds.")]
    private static partial void LogOpened(ILogger logger, string dependency, TimeSpan breakDuration, Exception? exception);

    [LoggerMessage(3, LogLevel.Information, "The circuit of {Dependency} is half-open: the next call probes it.")]
    private static partial void LogHalfOpened(ILogger logger, string dependency);

    [LoggerMessage(4, LogLevel.Information, "The circuit of {Dependency} closed: calls go through again.")]
    private static partial void LogClosed(ILogger logger, string dependency);
}
