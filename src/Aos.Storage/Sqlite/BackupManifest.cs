namespace Aos.Storage.Sqlite;

/// <summary>Describes a backup of the embedded store: when it was taken and what it holds, so a restore can check it first.</summary>
/// <param name="Format">The backup format; this version writes and restores 1.</param>
/// <param name="CreatedAt">When the backup was taken (its database holds every write committed before then).</param>
/// <param name="DatabaseBytes">The database copy's size.</param>
/// <param name="DatabaseSha256">The database copy's SHA-256, lowercase hex.</param>
/// <param name="Blobs">The blob content files.</param>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, long DatabaseBytes, string DatabaseSha256, IReadOnlyList<BackupFile> Blobs);
