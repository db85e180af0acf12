using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Builds parameterized commands: values are always parameters (<c>$1</c>, <c>$2</c>, …), never spliced into SQL text.</summary>
internal static class NpgsqlCommands
{
    /// <summary>Creates a command with positional parameters.</summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="sql">The statement, with <c>$n</c> placeholders.</param>
    /// <param name="parameters">The values of <c>$1</c>, <c>$2</c>, …; <see langword="null"/> for SQL NULL.</param>
    /// <returns>The command, which the caller disposes.</returns>
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>Runs a statement and returns how many rows it changed.</summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="sql">The statement.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <param name="parameters">The values of <c>$1</c>, <c>$2</c>, ….</param>
    /// <returns>The number of rows changed.</returns>
    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a query and returns the first column of its first row.</summary>
    /// <typeparam name="T">The column's type.</typeparam>
    /// <param name="connection">The open connection.</param>
    /// <param name="sql">The query.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <param name="parameters">The values of <c>$1</c>, <c>$2</c>, ….</param>
    /// <returns>The value; <see langword="default"/> when there is no row or it is NULL.</returns>
    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken) is T value ? value : default;
    }
}
