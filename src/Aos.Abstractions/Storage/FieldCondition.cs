namespace Aos.Storage;

/// <summary>Represents a comparison of one field with a value, as a condition of a table or document query.</summary>
/// <param name="Field">A table property name, <see cref="RowKey"/>, or, for documents, a dotted path into the document (<c>customer.country</c>).</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">
/// The value: <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="DateTimeOffset"/>
/// or <see cref="Guid"/>. Text compares ordinally; numbers of any of the three types compare with each other by value; times by instant.
/// </param>
public sealed record FieldCondition(string Field, ComparisonOperator Operator, object Value)
{
    /// <summary>Gets the field name that stands for a table entity's row key.</summary>
    public const string RowKey = "RowKey";

    /// <summary>Creates a condition that a field equals a value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The condition.</returns>
    public static FieldCondition Equal(string field, object value) => new(field, ComparisonOperator.Equal, value);

    /// <summary>Creates a condition that a field differs from a value (and is present, of the value's kind).</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The condition.</returns>
    public static FieldCondition NotEqual(string field, object value) => new(field, ComparisonOperator.NotEqual, value);

    /// <summary>Creates a condition that a field is less than a value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The condition.</returns>
    public static FieldCondition LessThan(string field, object value) => new(field, ComparisonOperator.LessThan, value);

    /// <summary>Creates a condition that a field is at most a value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The condition.</returns>
    public static FieldCondition AtMost(string field, object value) => new(field, ComparisonOperator.LessThanOrEqual, value);

    /// <summary>Creates a condition that a field is greater than a value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The condition.</returns>
    public static FieldCondition GreaterThan(string field, object value) => new(field, ComparisonOperator.GreaterThan, value);

    /// <summary>Creates a condition that a field is at least a value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The condition.</returns>
    public static FieldCondition AtLeast(string field, object value) => new(field, ComparisonOperator.GreaterThanOrEqual, value);
}
