using Aos.Reliability;
using Aos.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Aos.Postgres.Storage;

/// <summary>Runs the stores' database work: opens connections from the pool, migrates the schema on first use, retries transient faults.</summary>
/// <remarks>
/// Each attempt given to <see cref="ExecuteAsync{T}"/> is one statement or one transaction, so a retried or failed attempt leaves no partial
/// write. Attempts run through the reliability service's <c>storage:postgres</c> pipeline (retry, circuit breaker, attempt timeout), shared by
/// every component of the node; without one (no dependency injection) the database builds its own on the default options and the system
/// clock, not the injected one that queue times use: a test clock that never moves must not stall its retries.
/// </remarks>
internal sealed partial class PostgresDatabase : IAsyncDisposable
{
    /// <summary>Gets the name of PostgreSQL storage in the reliability service's options and pipelines.</summary>
    public const string Dependency = "storage:postgres";

    private readonly NpgsqlDataSource _dataSource;
    private readonly DependencyPipelines _pipelines;
    private readonly DependencyPipelines? _ownPipelines;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly string _server;
    private int _disposed;

    public PostgresDatabase(PostgresStorageOptions options, ILogger logger, DependencyPipelines? pipelines = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        _server = $"{builder.Host}:{builder.Port} (database '{builder.Database ?? builder.Username ?? "default"}')";
        Identity = builder.ConnectionString + "|" + options.Schema;
        _dataSource = PostgresDataSources.Rent(builder);
        _logger = logger;
        SchemaName = options.Schema;
        Schema = $"\"{options.Schema}\"";
        _ownPipelines = pipelines is null ? DependencyPipelines.Create(TimeProvider.System) : null;
        _pipelines = pipelines ?? _ownPipelines!;
        _pipeline = _pipelines.GetPipeline(Dependency);
    }

    /// <summary>Gets what identifies the tables this instance works on: the connection string and the schema.</summary>
    public string Identity { get; }

    /// <summary>Gets the schema's name as configured.</summary>
    public string SchemaName { get; }

    /// <summary>Gets the schema's quoted name, to qualify table names in SQL.</summary>
    public string Schema { get; }

    /// <summary>Runs an attempt on an open connection after making sure the component's tables exist; retries it on a transient fault.</summary>
    /// <typeparam name="T">The attempt's result.</typeparam>
    /// <param name="component">The component whose tables the attempt uses.</param>
    /// <param name="attempt">One statement or one transaction; may run several times (four with the default retry).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The attempt's result.</returns>
    /// <exception cref="Aos.Storage.StorageUnavailableException">The server could not be reached after the retries.</exception>
    public ValueTask<T> ExecuteAsync<T>(string component, Func<NpgsqlConnection, CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken) =>
        RunAsync(
            component,
            async token =>
            {
                await using var connection = await _dataSource.OpenConnectionAsync(token);
                return await attempt(connection, token);
            },
            cancellationToken);

    /// <summary>Runs an attempt after making sure the component's tables exist; retries it on a transient fault.</summary>
    /// <typeparam name="T">The attempt's result.</typeparam>
    /// <param name="component">The component whose tables the attempt uses.</param>
    /// <param name="attempt">The attempt, which opens its connection with <see cref="OpenConnectionAsync"/>; may run several times.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The attempt's result.</returns>
    /// <exception cref="Aos.Storage.StorageUnavailableException">The server could not be reached after the retries.</exception>
    public async ValueTask<T> RunAsync<T>(string component, Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    await state.Self.EnsureSchemaAsync(state.Component, token);
                    return await state.Attempt(token);
                },
                (Self: this, Component: component, Attempt: attempt),
                cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            var seconds = Math.Ceiling(_pipelines.CircuitOpen(Dependency, e).RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new StorageUnavailableException(
                $"PostgreSQL at {_server} is not being called for now: its circuit breaker ({Dependency}) opened after repeated transient failures. "
                + $"Check that the server runs and accepts TCP connections there, and the host, port, database and user in the connection string "
                + $"{PostgresStorageOptions.SectionName}:ConnectionString. Nothing was changed by the refused operation; retry after {seconds} s.", e.InnerException ?? e)
            { Backend = "postgres" };
        }
        catch (TimeoutRejectedException e)
        {
            throw new StorageUnavailableException(
                $"PostgreSQL at {_server} did not answer in time ({ReliabilityOptions.SectionName}:Dependencies:{Dependency}:AttemptTimeout) on any try. "
                + "Check the server's load and locks; nothing was changed by the failed operation; retry later.", e)
            { Backend = "postgres" };
        }
        catch (Exception e) when (PostgresErrors.Translate(e, _server) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Opens a pooled connection, once, without retrying: for attempts run by <see cref="RunAsync{T}"/>.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The open connection, which the caller disposes.</returns>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Opens a connection the caller owns, after making sure the component's tables exist; retries a transient fault.</summary>
    /// <param name="component">The component whose tables the caller uses.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The open connection.</returns>
    public ValueTask<NpgsqlConnection> OpenAsync(string component, CancellationToken cancellationToken) =>
        RunAsync(component, _dataSource.OpenConnectionAsync, cancellationToken);

    /// <summary>Translates an error of work the caller ran itself on a connection from <see cref="OpenAsync"/>.</summary>
    /// <param name="exception">The error.</param>
    /// <returns>The exception to throw instead; <see langword="null"/> to let the error through.</returns>
    public Exception? Translate(Exception exception) => PostgresErrors.Translate(exception, _server);

    /// <summary>Releases the shared pool; the last user closes its connections.</summary>
    /// <returns>A task that completes when the pool is released.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _migrating.Dispose();
        _ownPipelines?.Dispose();
        return PostgresDataSources.ReleaseAsync(_dataSource);
    }
}
