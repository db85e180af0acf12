namespace Aos.Storage;

/// <summary>Gives the content type, metadata and an optional condition for <see cref="IBlobStore.PutAsync"/>.</summary>
public sealed class BlobPutOptions
{
    /// <summary>Gets or sets the content's media type.</summary>
    /// <value>The default is <c>application/octet-stream</c>.</value>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the metadata stored with the object.</summary>
    /// <value>Names are ASCII letters, digits and underscores, starting with a letter or underscore (C# identifiers, as Azure Blob Storage
    /// requires), compared case-insensitively. The default is none.</value>
    public IDictionary<string, string>? Metadata { get; set; }

    /// <summary>Gets or sets the ETag the existing object must have for the put to happen.</summary>
    /// <value>The default is <see langword="null"/>: no condition.</value>
    public string? IfMatch { get; set; }

    /// <summary>Gets or sets whether the put happens only when no object has the name.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool IfNotExists { get; set; }
}
