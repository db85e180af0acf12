using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Keeps prepared commands per connection so hot statements are compiled once per connection, not once per call.</summary>
/// <remarks>A connection is used by one thread at a time (the writer thread, or the reader that rented it), so no locking is needed per connection.</remarks>
internal static class SqliteCommandCache
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Caches = [];

    /// <summary>Gets the cached command for <paramref name="sql"/> on <paramref name="connection"/>, creating it with the named parameters.</summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="sql">The statement text; use a constant so the cache stays small.</param>
    /// <param name="parameterNames">The parameters, in the order their values are set by index.</param>
    /// <returns>The command, with the previous call's parameter values still set.</returns>
    public static SqliteCommand Get(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameterNames)
    {
        var cache = Caches.GetValue(connection, static _ => new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));
        if (cache.TryGetValue(sql, out var command))
        {
            return command;
        }

        command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        cache.Add(sql, command);
        return command;
    }

    /// <summary>Disposes the commands cached for a connection that is being closed.</summary>
    /// <param name="connection">The connection.</param>
    public static void Clear(SqliteConnection connection)
    {
        if (Caches.TryGetValue(connection, out var cache))
        {
            foreach (var command in cache.Values)
            {
                command.Dispose();
            }

            Caches.Remove(connection);
        }
    }
}
