using Microsoft.Extensions.Logging;

namespace Aos.Postgres.Orleans;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Error, "Grain storage '{Provider}' cannot deserialize the stored state '{StateName}' of grain {GrainId}.")]
    public static partial void CorruptGrainState(ILogger logger, Exception exception, string provider, string stateName, string grainId);

    [LoggerMessage(104, LogLevel.Information, "Deleted the rows of {Count} grain states of grain storage {Provider} cleared more than {Retention} ago.")]
    public static partial void ClearedStatesSwept(ILogger logger, long count, string provider, TimeSpan retention);

    [LoggerMessage(105, LogLevel.Warning, "Sweeping the rows of cleared grain states of grain storage {Provider} failed; the next sweep tries again.")]
    public static partial void ClearedStateSweepFailed(ILogger logger, Exception exception, string provider);
}
