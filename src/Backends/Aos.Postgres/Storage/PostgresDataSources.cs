using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Shares one connection pool per connection string in the process, so a node's stores, grain storage and reminder table do not each hold a pool of their own.</summary>
/// <remarks>
/// Every PostgreSQL component of a node opens the same database; separate pools would multiply the connections a node can hold
/// (Npgsql's default is 100 per pool) and exhaust the server's <c>max_connections</c> on a cluster. A pool is closed when its last
/// user releases it. Thread-safe.
/// </remarks>
internal static class PostgresDataSources
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (NpgsqlDataSource Source, int Users)> Pools = new(StringComparer.Ordinal);

    /// <summary>Gets the shared pool for a connection string, counting one more user.</summary>
    public static NpgsqlDataSource Rent(NpgsqlConnectionStringBuilder connectionString)
    {
        var key = connectionString.ConnectionString;
        lock (Gate)
        {
            if (Pools.TryGetValue(key, out var pool))
            {
                Pools[key] = (pool.Source, pool.Users + 1);
                return pool.Source;
            }

            var source = NpgsqlDataSource.Create(connectionString);
            Pools[key] = (source, 1);
            return source;
        }
    }

    /// <summary>Counts one user less, and closes the pool when it was the last.</summary>
    public static ValueTask ReleaseAsync(NpgsqlDataSource source)
    {
        lock (Gate)
        {
            foreach (var (key, pool) in Pools)
            {
                if (!ReferenceEquals(pool.Source, source))
                {
                    continue;
                }

                if (pool.Users > 1)
                {
                    Pools[key] = (pool.Source, pool.Users - 1);
                    return ValueTask.CompletedTask;
                }

                Pools.Remove(key);
                break;
            }
        }

        return source.DisposeAsync();
    }
}
