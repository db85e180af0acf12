namespace Aos.Storage;

/// <summary>Specifies how a <see cref="FieldCondition"/> compares its field with its value.</summary>
public enum ComparisonOperator
{
    /// <summary>The field equals the value.</summary>
    Equal,

    /// <summary>The field differs from the value.</summary>
    NotEqual,

    /// <summary>The field is less than the value.</summary>
    LessThan,

    /// <summary>The field is less than or equal to the value.</summary>
    LessThanOrEqual,

    /// <summary>The field is greater than the value.</summary>
    GreaterThan,

    /// <summary>The field is greater than or equal to the value.</summary>
    GreaterThanOrEqual,
}
