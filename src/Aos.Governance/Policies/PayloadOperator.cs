namespace Aos.Governance.Policies;

/// <summary>Specifies how a payload condition compares a payload field with its value.</summary>
public enum PayloadOperator
{
    /// <summary>The field is equal to the value (<c>eq</c>).</summary>
    Equal,

    /// <summary>The field is present and not equal to the value (<c>ne</c>).</summary>
    NotEqual,

    /// <summary>The field is a number greater than the value (<c>gt</c>).</summary>
    GreaterThan,

    /// <summary>The field is a number greater than or equal to the value (<c>gte</c>).</summary>
    GreaterThanOrEqual,

    /// <summary>The field is a number less than the value (<c>lt</c>).</summary>
    LessThan,

    /// <summary>The field is a number less than or equal to the value (<c>lte</c>).</summary>
    LessThanOrEqual,

    /// <summary>The field is equal to one of the values of an array (<c>in</c>).</summary>
    In,

    /// <summary>The field is present, or absent when the value is <see langword="false"/> (<c>exists</c>).</summary>
    Exists,

    /// <summary>The field is a string that matches the regular expression of the value (<c>matches</c>).</summary>
    Matches,
}
