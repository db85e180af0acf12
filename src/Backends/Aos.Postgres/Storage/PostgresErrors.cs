using System.Net.Sockets;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Sorts Npgsql and PostgreSQL errors into transient faults, an unreachable server, input PostgreSQL cannot keep, and bugs.</summary>
internal static class PostgresErrors
{
    private const string UniqueViolation = "23505";

    /// <summary>Gets whether an error is worth another attempt: a broken or refused connection, a timeout, a deadlock or serialization failure.</summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> when the error is transient.</returns>
    public static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or SocketException => true,
        _ => false,
    };

    /// <summary>Gets whether an error is a unique-key violation: the row exists already.</summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> when a row with the same key exists.</returns>
    public static bool IsUniqueViolation(Exception exception) => exception is PostgresException { SqlState: UniqueViolation };

    /// <summary>Translates an error into the storage exception callers handle.</summary>
    /// <param name="exception">The error.</param>
    /// <param name="server">The server's host, port and database, for the message (never the password).</param>
    /// <returns>A <see cref="StorageUnavailableException"/> or <see cref="AosValidationException"/>; <see langword="null"/> to let the error through.</returns>
    public static Exception? Translate(Exception exception, string server)
    {
        if (exception is AosException or OperationCanceledException)
        {
            return null;
        }

        if (exception is PostgresException { SqlState: "22021" or "22P05" })
        {
            // Text and jsonb cannot hold U+0000; the statement failed, so nothing was written.
            return new AosValidationException("The value contains the character U+0000 (NUL), which PostgreSQL cannot store in text or JSON; remove it or store the content as a blob.") { Field = "value" };
        }

        var check = exception switch
        {
            PostgresException { SqlState: "28P01" or "28000" } => "the user name and password (and pg_hba.conf) for this client",
            PostgresException { SqlState: "3D000" } => "that the database exists",
            PostgresException { SqlState: "3F000" or "42501" } => "that the user may create and use the configured schema",
            _ when IsTransient(exception) => "that the server runs and accepts TCP connections there (listen_addresses, port, firewall)",
            PostgresException failed when failed.SqlState[..2] is "08" or "53" or "57" or "58" => "the server's log: it refused, dropped or could not serve the connection",
            NpgsqlException and not PostgresException => "that the server runs and accepts TCP connections there (listen_addresses, port, firewall)",
            _ => null,
        };

        if (check is null)
        {
            return null;
        }

        var reason = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : Describe(exception);
        return new StorageUnavailableException(
            $"PostgreSQL at {server} could not be used ({reason}). Check {check}, and the host, port, database and user in the connection string "
            + $"{PostgresStorageOptions.SectionName}:ConnectionString. Nothing was changed by the failed operation; retry later.",
            exception)
        { Backend = "postgres" };
    }

    private static string Describe(Exception exception)
    {
        // Npgsql's messages name the host and the failure, never the connection string.
        var inner = exception.InnerException is { } cause && cause.Message != exception.Message ? $": {cause.Message}" : string.Empty;
        return exception.Message.TrimEnd('.') + inner;
    }
}
