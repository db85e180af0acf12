using System.Text;
using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Storage.Tests;

public sealed class SqliteBackupTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDirectory _data = new();
    private readonly TempDirectory _backup = new();
    private readonly TempDirectory _restored = new();
    private readonly SqliteDatabase _database;
    private readonly SqliteStorageProvider _storage;
    private readonly SqliteBackup _backups;

    public SqliteBackupTests()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _data.Path });
        _storage = new SqliteStorageProvider(_database, new FakeTimeProvider());
        _backups = new SqliteBackup(_database, _storage, new FakeTimeProvider());
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _data.Dispose();
        _backup.Dispose();
        _restored.Dispose();
    }

    [Fact]
    public async Task BackupAsync_UnderConcurrentWrites_IsOneConsistentInstantWithEveryBlobItRefersTo()
    {
        await _database.WriteAsync(c => Execute(c, "CREATE TABLE pairs (i INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL);"), Ct);
        var blobs = _storage.GetBlobStore("files");
        var acknowledged = 0;
        var underWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; !stop.IsCancellationRequested; i += 4)
            {
                // Two rows in one operation: a consistent copy has both or neither.
                await _database.WriteAsync(c => Execute(c, $"INSERT INTO pairs VALUES ({i}, {i}, 0); UPDATE pairs SET b = {i} WHERE i = {i};"), CancellationToken.None);

                // Replacing a blob deletes its old file: the backup must still copy the version its snapshot refers to.
                await blobs.PutAsync($"b{i % 16}", new MemoryStream(Encoding.UTF8.GetBytes($"b{i % 16}:{i}")), cancellationToken: CancellationToken.None);
                if (Interlocked.Increment(ref acknowledged) == 200)
                {
                    underWay.TrySetResult();
                }
            }
        })).ToArray();
        await underWay.Task.WaitAsync(Ct);
        var before = Volatile.Read(ref acknowledged);
        var manifest = await _backups.BackupAsync(_backup.Path, Ct);
        var after = Volatile.Read(ref acknowledged);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        await SqliteBackup.RestoreAsync(_backup.Path, _restored.Path, Ct);
        await using var restored = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _restored.Path });
        var (rows, torn) = await restored.ReadAsync(c => (Scalar(c, "SELECT count(*) FROM pairs;"), Scalar(c, "SELECT count(*) FROM pairs WHERE a <> b;")), Ct);
        Assert.Equal(0, torn);
        Assert.InRange(rows, before, after + 4);
        var restoredBlobs = new SqliteStorageProvider(restored, new FakeTimeProvider()).GetBlobStore("files");
        var names = new List<string>();
        await foreach (var item in restoredBlobs.ListAsync(cancellationToken: Ct))
        {
            await using var download = (await restoredBlobs.GetAsync(item.Name, Ct))!;
            using var reader = new StreamReader(download.Content);
            Assert.StartsWith(item.Name + ":", await reader.ReadToEndAsync(Ct), StringComparison.Ordinal);
            names.Add(item.Name);
        }

        Assert.Equal(16, names.Count);
        Assert.Equal(16, manifest.Blobs.Count);
        Assert.Equal(16, Directory.GetFiles(Path.Combine(_restored.Path, "blobs")).Length);
    }

    [Fact]
    public async Task RestoreAsync_DamagedDatabase_RefusesAndWritesNothing()
    {
        await _storage.GetTableStore("things").AddAsync(new TableEntity("p", "r"), Ct);
        await _backups.BackupAsync(_backup.Path, Ct);
        var copy = Path.Combine(_backup.Path, SqliteStorageOptions.FileName);
        var bytes = await File.ReadAllBytesAsync(copy, Ct);
        bytes[^100] ^= 0xFF;
        await File.WriteAllBytesAsync(copy, bytes, Ct);

        var error = await Assert.ThrowsAsync<AosValidationException>(() => SqliteBackup.RestoreAsync(_backup.Path, _restored.Path, Ct));

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_restored.Path));
    }

    [Fact]
    public async Task RestoreAsync_MissingBlobFile_RefusesAndWritesNothing()
    {
        await _storage.GetBlobStore("files").PutAsync("a", new MemoryStream([1, 2, 3]), cancellationToken: Ct);
        var manifest = await _backups.BackupAsync(_backup.Path, Ct);
        File.Delete(Path.Combine(_backup.Path, "blobs", Assert.Single(manifest.Blobs).Name));

        await Assert.ThrowsAsync<AosValidationException>(() => SqliteBackup.RestoreAsync(_backup.Path, _restored.Path, Ct));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_restored.Path));
    }

    [Fact]
    public async Task RestoreAsync_NotABackup_SaysSo()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => SqliteBackup.RestoreAsync(_restored.Path, _data.Path + "-other", Ct));

        Assert.Contains("not an AOS backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreAsync_IntoADataDirectoryInUse_Refuses()
    {
        await _backups.BackupAsync(_backup.Path, Ct);

        var error = await Assert.ThrowsAsync<AosValidationException>(() => SqliteBackup.RestoreAsync(_backup.Path, _data.Path, Ct));

        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupAsync_IntoANonEmptyDirectoryOrTheDataDirectory_Refuses()
    {
        await File.WriteAllTextAsync(Path.Combine(_backup.Path, "something"), "x", Ct);

        await Assert.ThrowsAsync<AosValidationException>(() => _backups.BackupAsync(_backup.Path, Ct));
        await Assert.ThrowsAsync<AosValidationException>(() => _backups.BackupAsync(Path.Combine(_data.Path, "backups"), Ct));
        Assert.Single(Directory.EnumerateFileSystemEntries(_backup.Path));
    }

    private static int Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
