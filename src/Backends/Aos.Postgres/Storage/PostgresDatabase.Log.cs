using Microsoft.Extensions.Logging;

namespace Aos.Postgres.Storage;

internal sealed partial class PostgresDatabase
{
    [LoggerMessage(1, LogLevel.Information, "PostgreSQL storage migrated {Component} in schema {Schema} from version {From} to {To}.")]
    private static partial void LogMigrated(ILogger logger, string schema, string component, int from, int to);
}
