using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Aos.Governance.Audit;

/// <summary>Holds the checkpoint signing keys: the current one and every older one, each in a file named by its key id.</summary>
/// <remarks>Thread-safe. The current key is in <c>audit-checkpoint.key</c>; every key also lives in <c>audit-checkpoint-{keyId}.key</c>.</remarks>
internal sealed class AuditKeyRing
{
    private const string CurrentFile = "audit-checkpoint.key";
    private readonly string _directory;
    private readonly Dictionary<string, byte[]> _keys;
    private readonly Lock _lock = new();
    private (string Id, byte[] Key) _current;

    private AuditKeyRing(string directory, Dictionary<string, byte[]> keys, (string, byte[]) current)
    {
        _directory = directory;
        _keys = keys;
        _current = current;
    }

    public string CurrentKeyId
    {
        get
        {
            lock (_lock)
            {
                return _current.Id;
            }
        }
    }

    /// <summary>Loads the keys from a directory, creating the first key when there is none.</summary>
    public static AuditKeyRing Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var keys = LoadKeys(directory);
        var currentPath = Path.Combine(directory, CurrentFile);
        byte[] current;
        if (File.Exists(currentPath))
        {
            current = Convert.FromHexString(File.ReadAllText(currentPath).Trim());
        }
        else
        {
            current = RandomNumberGenerator.GetBytes(32);
            WriteKey(directory, current);
        }

        var id = KeyId(current);
        keys[id] = current;
        return new AuditKeyRing(directory, keys, (id, current));
    }

    /// <summary>Reads every key file in a directory, by key id.</summary>
    public static Dictionary<string, byte[]> LoadKeys(string directory)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return keys;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "audit-checkpoint*.key"))
        {
            var key = Convert.FromHexString(File.ReadAllText(path).Trim());
            keys[KeyId(key)] = key;
        }

        return keys;
    }

    public static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];

    public static byte[] Payload(long id, string hash, DateTimeOffset time, int every) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}|{hash}|{AuditHasher.FormatTime(time)}|{every}"));

    public static bool Verify(IReadOnlyDictionary<string, byte[]> keys, AuditCheckpoint checkpoint)
    {
        if (!keys.TryGetValue(checkpoint.KeyId, out var key))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(key, Payload(checkpoint.Id, checkpoint.Hash, checkpoint.Time, checkpoint.Every), expected);
        Span<byte> actual = stackalloc byte[32];
        return Convert.FromHexString(checkpoint.Signature, actual, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    public IReadOnlyDictionary<string, byte[]> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal);
        }
    }

    public AuditCheckpoint Sign(long id, string hash, DateTimeOffset time, int every)
    {
        (string Id, byte[] Key) current;
        lock (_lock)
        {
            current = _current;
        }

        var signature = HMACSHA256.HashData(current.Key, Payload(id, hash, time, every));
        return new AuditCheckpoint(id, hash, time, every, current.Id, Convert.ToHexStringLower(signature));
    }

    /// <summary>Writes a new current key; older keys stay so their checkpoints still verify.</summary>
    public string Rotate()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        lock (_lock)
        {
            WriteKey(_directory, key);
            var id = KeyId(key);
            _keys[id] = key;
            _current = (id, key);
            return id;
        }
    }

    private static void WriteKey(string directory, byte[] key)
    {
        var hex = Convert.ToHexStringLower(key);

        // The per-id file first: a crash between the two writes leaves the old current key valid and the new one known.
        WriteSecret(Path.Combine(directory, $"audit-checkpoint-{KeyId(key)}.key"), hex);
        var temporary = Path.Combine(directory, CurrentFile + ".tmp");
        WriteSecret(temporary, hex);
        File.Move(temporary, Path.Combine(directory, CurrentFile), overwrite: true);
    }

    private static void WriteSecret(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
