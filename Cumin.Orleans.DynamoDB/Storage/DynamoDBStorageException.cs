using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// DynamoDB refused or failed a grain-storage request. Stands in for the SDK's exception, which Orleans cannot send to
/// the grain's caller; the original is logged by the silo, and its error code and message are kept here.
/// </summary>
[GenerateSerializer, Alias("Cumin.Orleans.DynamoDB.DynamoDBStorageException")]
public sealed class DynamoDBStorageException : OrleansException
{
    public DynamoDBStorageException()
    {
    }

    public DynamoDBStorageException(string message)
        : base(message)
    {
    }

    public DynamoDBStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DynamoDBStorageException(string message, string? errorCode)
        : base(message) => ErrorCode = errorCode;

    /// <summary>DynamoDB's error code, e.g. <c>ResourceNotFoundException</c> or <c>ProvisionedThroughputExceededException</c>.</summary>
    [Id(0)]
    public string? ErrorCode { get; }
}
