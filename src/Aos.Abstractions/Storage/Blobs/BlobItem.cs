namespace Aos.Storage;

/// <summary>Describes a stored object: name, size, content type, metadata and version.</summary>
/// <param name="Name">The object's name.</param>
/// <param name="Length">The content's length in bytes.</param>
/// <param name="ContentType">The content's media type.</param>
/// <param name="ETag">The version of the object; changes on every put.</param>
/// <param name="LastModified">When the object was last put.</param>
/// <param name="Metadata">The metadata given at the last put (names are case-insensitive ASCII identifiers).</param>
public sealed record BlobItem(string Name, long Length, string ContentType, string ETag, DateTimeOffset LastModified, IReadOnlyDictionary<string, string> Metadata);
