using Microsoft.Extensions.Logging;

namespace Aos.Postgres.Orleans;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Error, "Grain storage '{Provider}' cannot deserialize the stored state '{StateName}' of grain {GrainId}.")]
    public static partial void CorruptGrainState(ILogger logger, Exception exception, string provider, string stateName, string grainId);
}
