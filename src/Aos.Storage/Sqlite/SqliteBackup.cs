using System.Security.Cryptography;
using System.Text.Json;
using Aos.Storage.Serialization;

namespace Aos.Storage.Sqlite;

/// <summary>Takes consistent online backups of a node's embedded store (the database and its blob files) and restores them into an empty data directory.</summary>
/// <remarks>
/// <para>
/// A backup holds everything committed before it started: every agent, its state and history, the registry, pending and dead-lettered
/// messages, workflows and their timers, and the blob store. The node keeps serving meanwhile: the database is copied from one read
/// transaction, and blob files its copy refers to are kept from deletion until they are copied.
/// </para>
/// <para>
/// The backup directory holds <c>aos.db</c>, <c>blobs/</c>, the data directory's <c>aos.json</c> when there is one, and
/// <c>backup.json</c>, the manifest with the database's SHA-256 and every blob file's size, which a restore checks before it writes anything.
/// </para>
/// </remarks>
public sealed class SqliteBackup
{
    /// <summary>Gets the manifest's file name.</summary>
    public const string ManifestFileName = "backup.json";

    private const int Format = 1;
    private const string ConfigurationFileName = "aos.json";

    private readonly SqliteDatabase _database;
    private readonly SqliteStorageProvider? _storage;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="SqliteBackup"/> class.</summary>
    /// <param name="database">The node's database.</param>
    /// <param name="storage">The node's embedded storage backend, whose blob files are backed up too; <see langword="null"/> when it has none.</param>
    /// <param name="timeProvider">The clock that stamps the manifest.</param>
    public SqliteBackup(SqliteDatabase database, SqliteStorageProvider? storage, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _storage = storage;
        _timeProvider = timeProvider;
    }

    /// <summary>Backs the node up into a new or empty directory while it serves.</summary>
    /// <param name="directory">The backup directory; created when missing.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The manifest of the backup.</returns>
    /// <exception cref="AosValidationException">The directory is not empty, or is inside the data directory.</exception>
    public async Task<BackupManifest> BackupAsync(string directory, CancellationToken cancellationToken = default)
    {
        var target = Path.GetFullPath(directory);
        var dataDirectory = Path.GetDirectoryName(_database.DatabasePath)!;
        if (target.StartsWith(Path.GetFullPath(dataDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || target == Path.GetFullPath(dataDirectory))
        {
            throw new AosValidationException($"The backup directory '{target}' is inside the data directory '{dataDirectory}'; back up somewhere else.") { Field = "directory" };
        }

        RequireEmpty(target, "back up into a new or empty directory");
        Directory.CreateDirectory(target);
        var startedAt = _timeProvider.GetUtcNow();
        using var hold = _storage?.HoldDeletions();
        var databaseCopy = Path.Combine(target, SqliteStorageOptions.FileName);
        await _database.BackupToAsync(databaseCopy, cancellationToken).ConfigureAwait(false);
        var blobs = new List<BackupFile>();
        if (_storage is not null)
        {
            var blobTarget = Path.Combine(target, "blobs");
            Directory.CreateDirectory(blobTarget);
            foreach (var file in ReferencedBlobFiles(databaseCopy))
            {
                var copy = Path.Combine(blobTarget, file);
                await CopyAsync(Path.Combine(_storage.BlobDirectory, file), copy, cancellationToken).ConfigureAwait(false);
                blobs.Add(new BackupFile(file, new FileInfo(copy).Length));
            }
        }

        var configuration = Path.Combine(dataDirectory, ConfigurationFileName);
        if (File.Exists(configuration))
        {
            await CopyAsync(configuration, Path.Combine(target, ConfigurationFileName), cancellationToken).ConfigureAwait(false);
        }

        var manifest = new BackupManifest(Format, startedAt, new FileInfo(databaseCopy).Length, await HashAsync(databaseCopy, cancellationToken).ConfigureAwait(false), blobs);
        await File.WriteAllBytesAsync(Path.Combine(target, ManifestFileName), JsonSerializer.SerializeToUtf8Bytes(manifest, AosStorageJsonContext.Default.BackupManifest), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Restores a backup into an empty data directory, for a node that is not running; checks the backup first and writes nothing if it is damaged.</summary>
    /// <param name="backupDirectory">The backup directory.</param>
    /// <param name="dataDirectory">The data directory to restore into; created when missing, and must hold no database.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The backup's manifest.</returns>
    /// <exception cref="AosValidationException">The backup is missing, damaged or of an unknown format, or the data directory is not empty.</exception>
    public static async Task<BackupManifest> RestoreAsync(string backupDirectory, string dataDirectory, CancellationToken cancellationToken = default)
    {
        var source = Path.GetFullPath(backupDirectory);
        var target = Path.GetFullPath(dataDirectory);
        var manifest = await ReadManifestAsync(source, cancellationToken).ConfigureAwait(false);
        var database = Path.Combine(source, SqliteStorageOptions.FileName);
        if (!File.Exists(database) || new FileInfo(database).Length != manifest.DatabaseBytes || await HashAsync(database, cancellationToken).ConfigureAwait(false) != manifest.DatabaseSha256)
        {
            throw new AosValidationException($"The backup's database '{database}' is missing or does not match its manifest (size or SHA-256): the backup is damaged.") { Field = "backup" };
        }

        foreach (var blob in manifest.Blobs)
        {
            var file = Path.Combine(source, "blobs", blob.Name);
            if (!File.Exists(file) || new FileInfo(file).Length != blob.Bytes)
            {
                throw new AosValidationException($"The backup's blob file '{file}' is missing or has another size than its manifest says: the backup is damaged.") { Field = "backup" };
            }
        }

        RequireEmpty(target, "restore into a new or empty data directory (stop the node and move its data aside first)");
        Directory.CreateDirectory(target);
        try
        {
            Directory.CreateDirectory(Path.Combine(target, "blobs"));
            foreach (var blob in manifest.Blobs)
            {
                await CopyAsync(Path.Combine(source, "blobs", blob.Name), Path.Combine(target, "blobs", blob.Name), cancellationToken).ConfigureAwait(false);
            }

            if (File.Exists(Path.Combine(source, ConfigurationFileName)))
            {
                await CopyAsync(Path.Combine(source, ConfigurationFileName), Path.Combine(target, ConfigurationFileName), cancellationToken).ConfigureAwait(false);
            }

            // The database last: a data directory with a database is a restored one.
            await CopyAsync(database, Path.Combine(target, SqliteStorageOptions.FileName), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(target))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }

            throw;
        }

        return manifest;
    }

    /// <summary>Reads and checks a backup's manifest.</summary>
    /// <param name="backupDirectory">The backup directory.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="AosValidationException">There is no readable manifest of a known format.</exception>
    public static async Task<BackupManifest> ReadManifestAsync(string backupDirectory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(Path.GetFullPath(backupDirectory), ManifestFileName);
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), AosStorageJsonContext.Default.BackupManifest);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new AosValidationException($"'{backupDirectory}' is not an AOS backup: its manifest '{path}' cannot be read ({ex.Message}).", ex) { Field = "backup" };
        }

        if (manifest is null || manifest.Format != Format)
        {
            throw new AosValidationException($"The backup '{backupDirectory}' has format {manifest?.Format}; this version of AOS restores format {Format}.") { Field = "backup" };
        }

        return manifest;
    }

    private static void RequireEmpty(string directory, string advice)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new AosValidationException($"The directory '{directory}' is not empty; {advice}.") { Field = "directory" };
        }
    }

    private static List<string> ReferencedBlobFiles(string databaseCopy)
    {
        var files = new List<string>();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = databaseCopy, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'storage_blobs';";
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return files;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT file FROM storage_blobs ORDER BY file;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            files.Add(reader.GetString(0));
        }

        return files;
    }

    private static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using (var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            target.Flush(flushToDisk: true);
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }
}
