using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Aos.Messaging;

/// <summary>Creates message ids: version-7 UUIDs (RFC 9562) of a time, as 32 lowercase hex digits, the form <c>Guid.ToString("N")</c> gives.</summary>
/// <remarks>
/// An id is the time's Unix milliseconds followed by 74 random bits, so ids of one millisecond are unique and ids sort roughly by
/// time. <see cref="Guid.CreateVersion7(DateTimeOffset)"/> asks the operating system for its random bits on every call (on Linux, a
/// read of <c>/dev/urandom</c>: a system call per message); this draws them from a per-thread buffer of the same cryptographic
/// generator, refilled 4 KiB at a time. Thread-safe.
/// </remarks>
public static class MessageIds
{
    private const int BufferSize = 4096;
    private const int RandomBytes = 10;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_next;

    /// <summary>Creates a new id for the time.</summary>
    /// <param name="time">The time the id carries, to the millisecond; a time before 1970 is taken as 1970.</param>
    /// <returns>32 lowercase hex digits.</returns>
    public static string New(DateTimeOffset time)
    {
        Span<byte> uuid = stackalloc byte[16];
        var milliseconds = Math.Max(0, time.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(uuid[..8], milliseconds << 16);
        NextRandom(uuid[6..]);
        uuid[6] = (byte)(0x70 | (uuid[6] & 0x0F));
        uuid[8] = (byte)(0x80 | (uuid[8] & 0x3F));
        return Convert.ToHexStringLower(uuid);
    }

    private static void NextRandom(Span<byte> destination)
    {
        var random = t_random ??= new byte[BufferSize];
        if (t_next == 0 || t_next + RandomBytes > BufferSize)
        {
            RandomNumberGenerator.Fill(random);
            t_next = 0;
        }

        random.AsSpan(t_next, RandomBytes).CopyTo(destination);
        random.AsSpan(t_next, RandomBytes).Clear();
        t_next += RandomBytes;
    }
}
