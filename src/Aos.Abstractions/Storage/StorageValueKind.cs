namespace Aos.Storage;

/// <summary>Specifies the kind of a table property or condition value; a condition compares only values of the same kind.</summary>
public enum StorageValueKind
{
    /// <summary>A <see cref="string"/>.</summary>
    Text,

    /// <summary>An <see cref="int"/>, <see cref="long"/> or <see cref="double"/>.</summary>
    Number,

    /// <summary>A <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>A <see cref="DateTimeOffset"/>.</summary>
    Time,

    /// <summary>A <see cref="System.Guid"/>.</summary>
    Identifier,

    /// <summary>A <see cref="byte"/> array (table properties only; not comparable).</summary>
    Binary,
}
