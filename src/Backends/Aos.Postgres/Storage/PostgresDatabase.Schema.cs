using System.Collections.Concurrent;
using Npgsql;

namespace Aos.Postgres.Storage;

internal sealed partial class PostgresDatabase
{
    private readonly ConcurrentDictionary<string, bool> _migrated = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _migrating = new(1, 1);

    /// <summary>Brings a component's tables to the latest version once per process: applies its missing scripts in one transaction.</summary>
    /// <remarks>
    /// The transaction holds a transaction-level advisory lock keyed by the schema, so nodes starting together apply each script once;
    /// the others wait, then find the version already recorded. The schema and <c>aos_schema</c> are created only when missing, so a user
    /// who may not create schemas can run on a schema prepared for it.
    /// </remarks>
    private async ValueTask EnsureSchemaAsync(string component, CancellationToken cancellationToken)
    {
        if (_migrated.ContainsKey(component))
        {
            return;
        }

        await _migrating.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated.ContainsKey(component))
            {
                await MigrateAsync(component, cancellationToken);
                _migrated[component] = true;
            }
        }
        finally
        {
            _migrating.Release();
        }
    }

    private async Task MigrateAsync(string component, CancellationToken cancellationToken)
    {
        var scripts = PostgresMigrations.All.TryGetValue(component, out var stores) ? stores
            : Kernel.PostgresKernelMigrations.All.TryGetValue(component, out var kernel) ? kernel
            : Orleans.PostgresOrleansMigrations.All[component];
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock($1)", cancellationToken, LockKey(SchemaName));
        if (!await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", cancellationToken, SchemaName))
        {
            await connection.ExecuteAsync($"CREATE SCHEMA {Schema}", cancellationToken);
        }

        if (!await connection.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", cancellationToken, $"{Schema}.aos_schema"))
        {
            await connection.ExecuteAsync($"CREATE TABLE {Schema}.aos_schema (component text PRIMARY KEY, version integer NOT NULL)", cancellationToken);
        }

        var version = await connection.ScalarAsync<int?>($"SELECT version FROM {Schema}.aos_schema WHERE component = $1", cancellationToken, component) ?? 0;
        if (version >= scripts.Count)
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        for (var next = version; next < scripts.Count; next++)
        {
            await connection.ExecuteAsync(scripts[next].Replace("{schema}", Schema, StringComparison.Ordinal), cancellationToken);
        }

        await connection.ExecuteAsync(
            $"INSERT INTO {Schema}.aos_schema (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version",
            cancellationToken,
            component,
            scripts.Count);
        await transaction.CommitAsync(cancellationToken);
        LogMigrated(_logger, SchemaName, component, version, scripts.Count);
    }

    /// <summary>Derives the advisory-lock key of a schema's migrations: FNV-1a of its name, stable across processes and versions.</summary>
    private static long LockKey(string schema)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in "aos_schema:" + schema)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
