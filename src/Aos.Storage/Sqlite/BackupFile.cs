namespace Aos.Storage.Sqlite;

/// <summary>Describes one blob content file of a backup.</summary>
/// <param name="Name">The file's name in <c>blobs/</c>.</param>
/// <param name="Bytes">The file's size.</param>
public sealed record BackupFile(string Name, long Bytes);
