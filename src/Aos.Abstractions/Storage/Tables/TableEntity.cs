namespace Aos.Storage;

/// <summary>Represents one entity of a <see cref="ITableStore"/>: its keys, properties and version.</summary>
/// <remarks>
/// Property values are <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="DateTimeOffset"/> (kept in UTC, to the 100-ns tick), <see cref="Guid"/> or <see cref="byte"/> arrays; <see langword="null"/>
/// values are not stored. Property names are ASCII letters, digits and underscores, starting with a letter or underscore, at most 255
/// characters, other than <c>PartitionKey</c>, <c>RowKey</c>, <c>Timestamp</c> and <c>ETag</c>. An entity holds at most 252 properties.
/// </remarks>
public sealed record TableEntity
{
    /// <summary>Initializes a new instance of the <see cref="TableEntity"/> class.</summary>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="rowKey">The row key.</param>
    /// <param name="properties">The properties; <see langword="null"/> for none.</param>
    public TableEntity(string partitionKey, string rowKey, IReadOnlyDictionary<string, object?>? properties = null)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
        Properties = properties ?? new Dictionary<string, object?>();
    }

    /// <summary>Gets the partition key.</summary>
    public string PartitionKey { get; init; }

    /// <summary>Gets the row key, unique within the partition.</summary>
    public string RowKey { get; init; }

    /// <summary>Gets the properties.</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; }

    /// <summary>Gets the version the entity had when read or written; set it on an upsert to make the write conditional.</summary>
    public string? ETag { get; init; }

    /// <summary>Gets when the entity was last written, as the backend recorded it; <see langword="null"/> on an entity not read from a store.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Gets a property's value as a type.</summary>
    /// <typeparam name="T">The property's type.</typeparam>
    /// <param name="name">The property's name.</param>
    /// <returns>The value; <see langword="default"/> when the property is missing.</returns>
    /// <exception cref="InvalidCastException">The property has another type.</exception>
    public T? Get<T>(string name) => Properties.TryGetValue(name, out var value) && value is not null ? (T)value : default;
}
