using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Storage.Sqlite;

/// <summary>Opens one <see cref="SqliteDatabase"/> per data directory and shares it between every component configured with that directory.</summary>
internal sealed class SqliteDatabaseRegistry(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, SqliteDatabase> _databases = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Gets the database a component uses: the shared default, or the one its own named options point at.</summary>
    /// <param name="services">The service provider.</param>
    /// <param name="optionsName">The name of the component's <see cref="SqliteStorageOptions"/>, or <see langword="null"/> for the default database.</param>
    public static SqliteDatabase Resolve(IServiceProvider services, string? optionsName) => optionsName is null
        ? services.GetRequiredService<SqliteDatabase>()
        : services.GetRequiredService<SqliteDatabaseRegistry>().GetOrOpen(services.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(optionsName));

    /// <summary>Gets the database for the options' data directory, opening it with these options if it is not open yet.</summary>
    public SqliteDatabase GetOrOpen(SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var path = options.DatabasePath;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_databases.TryGetValue(path, out var database))
            {
                var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SqliteDatabase>();
                database = new SqliteDatabase(options, logger, timeProvider);
                _databases.Add(path, database);
            }

            return database;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in TakeAll())
        {
            await database.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var database in TakeAll())
        {
            database.Dispose();
        }
    }

    private List<SqliteDatabase> TakeAll()
    {
        lock (_lock)
        {
            _disposed = true;
            var all = _databases.Values.ToList();
            _databases.Clear();
            return all;
        }
    }
}
