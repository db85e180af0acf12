using Microsoft.Extensions.Logging;

namespace Aos.Postgres.Storage;

internal sealed partial class PostgresDatabase
{
    [LoggerMessage(1, LogLevel.Information, "PostgreSQL storage migrated {Component} in schema {Schema} from version {From} to {To}.")]
    private static partial void LogMigrated(ILogger logger, string schema, string component, int from, int to);

    [LoggerMessage(2, LogLevel.Warning, "PostgreSQL at {Server} failed transiently; attempt {Attempt} follows in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string server, int attempt, TimeSpan delay, Exception exception);
}
