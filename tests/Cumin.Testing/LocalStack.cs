using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Npgsql;

namespace Cumin.Testing;

/// <summary>
/// Where the local stack started by <c>make test</c> (scripts/test.sh) listens. The script exports the
/// AWS SDK's own endpoint variables, so production code under test needs no test-only configuration.
/// </summary>
public static class LocalStack
{
    public static string DynamoDbEndpoint => Required("AWS_ENDPOINT_URL_DYNAMODB");

    public static string SqsEndpoint => Required("AWS_ENDPOINT_URL_SQS");

    public static string S3Endpoint => Required("AWS_ENDPOINT_URL_S3");

    /// <summary>Connection string to the server's <c>postgres</c> database, for creating per-fixture databases.</summary>
    public static string PostgresAdmin => Required("CUMIN_POSTGRES_ADMIN");

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("test", "test");

    /// <summary>A prefix no other fixture or run uses, for tables, queues and buckets.</summary>
    public static string UniquePrefix(string purpose) =>
        $"t{Guid.NewGuid().ToString("N")[..10]}-{purpose}-".ToLowerInvariant();

    public static AmazonDynamoDBClient DynamoDb() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = DynamoDbEndpoint, AuthenticationRegion = "us-east-1" });

    public static AmazonSQSClient Sqs() =>
        new(Credentials, new AmazonSQSConfig { ServiceURL = SqsEndpoint, AuthenticationRegion = "us-east-1" });

    public static AmazonS3Client S3() =>
        new(Credentials, new AmazonS3Config { ServiceURL = S3Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>Creates an empty database of its own for a fixture and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"t_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name[..Math.Min(name.Length, 63)]; // PostgreSQL's identifier limit
        await using var connection = new NpgsqlConnection(PostgresAdmin);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. The tests need the local stack: run them with `make test` " +
                "(or `source scripts/stack.sh; stack_start test DIR; source DIR/env` before `dotnet test`).");
}
