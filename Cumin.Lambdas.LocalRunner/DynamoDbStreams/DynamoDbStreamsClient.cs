using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Cumin.Lambdas.LocalRunner.DynamoDbStreams;

/// <summary>
/// A client for the DynamoDB Streams API (AWS JSON 1.0 over HTTPS, SigV4-signed with the signing name
/// <c>dynamodb</c>). AWSSDK.DynamoDBStreams would be the SDK's own, but it is not on this project's feed.
/// </summary>
public sealed class DynamoDbStreamsClient : IDisposable
{
    private const string TargetPrefix = "DynamoDBStreams_20120810.";
    private const string SigningName = "dynamodb";
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.0");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _timeProvider;

    public DynamoDbStreamsClient(DynamoDbStreamsClientOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Region = options.Region ?? DefaultRegion();
        Endpoint = options.ServiceUrl ?? DefaultEndpoint(Region);
        _credentials = options.Credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri Endpoint { get; }

    public string Region { get; }

    /// <summary>
    /// <c>AWS_ENDPOINT_URL_DYNAMODBSTREAMS</c>, else <c>AWS_ENDPOINT_URL_DYNAMODB</c> (DynamoDB Local serves
    /// Streams on its one endpoint), else the regional endpoint <c>https://streams.dynamodb.{region}.amazonaws.com</c>.
    /// </summary>
    public static Uri DefaultEndpoint(string region)
    {
        foreach (var variable in (string[])["AWS_ENDPOINT_URL_DYNAMODBSTREAMS", "AWS_ENDPOINT_URL_DYNAMODB"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } url)
            {
                return new Uri(url);
            }
        }

        return new Uri($"https://streams.dynamodb.{region}.amazonaws.com");
    }

    /// <summary><c>AWS_REGION</c> and the rest of the SDK's region chain (profile, instance metadata).</summary>
    public static string DefaultRegion() =>
        Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region
            ? region
            : FallbackRegionFactory.GetRegionEndpoint()?.SystemName
              ?? throw new InvalidOperationException("No AWS region: set AWS_REGION.");

    public async Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) =>
        await SendAsync("ListStreams", request, DynamoDbStreamsJsonContext.Default.ListStreamsRequest,
            DynamoDbStreamsJsonContext.Default.ListStreamsResponse, cancellationToken);

    public async Task<StreamDescription> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("DescribeStream", request, DynamoDbStreamsJsonContext.Default.DescribeStreamRequest,
            DynamoDbStreamsJsonContext.Default.DescribeStreamResponse, cancellationToken);
        return response.StreamDescription ?? throw new DynamoDbStreamsException("InvalidResponse", "DescribeStream returned no StreamDescription.", HttpStatusCode.OK);
    }

    /// <summary>Every shard of a stream, following <c>LastEvaluatedShardId</c> pages.</summary>
    public async Task<StreamDescription> DescribeStreamFullyAsync(string streamArn, CancellationToken cancellationToken = default)
    {
        var first = await DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn }, cancellationToken);
        var shards = new List<Shard>(first.Shards);
        var last = first.LastEvaluatedShardId;
        while (last is not null)
        {
            var page = await DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn, ExclusiveStartShardId = last }, cancellationToken);
            shards.AddRange(page.Shards);
            last = page.LastEvaluatedShardId;
        }

        return first with { Shards = shards, LastEvaluatedShardId = null };
    }

    public async Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("GetShardIterator", request, DynamoDbStreamsJsonContext.Default.GetShardIteratorRequest,
            DynamoDbStreamsJsonContext.Default.GetShardIteratorResponse, cancellationToken);
        return response.ShardIterator ?? throw new DynamoDbStreamsException("InvalidResponse", "GetShardIterator returned no iterator.", HttpStatusCode.OK);
    }

    public async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) =>
        await SendAsync("GetRecords", request, DynamoDbStreamsJsonContext.Default.GetRecordsRequest,
            DynamoDbStreamsJsonContext.Default.GetRecordsResponse, cancellationToken);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string operation,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        var credentials = await _credentials.GetCredentialsAsync();
        var now = _timeProvider.GetUtcNow();

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        request.Content = new ByteArrayContent(payload);
        request.Content.Headers.ContentType = JsonContentType;
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", Endpoint.Authority),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
            new("x-amz-target", TargetPrefix + operation),
            new("content-type", JsonContentType.ToString()),
        };
        if (credentials.UseToken)
        {
            signed.Add(new("x-amz-security-token", credentials.Token));
        }

        foreach (var (name, value) in signed)
        {
            if (name is not ("host" or "content-type"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        // HttpClient sends the URI's authority as Host; set it so the signed value is the sent one.
        request.Headers.Host = Endpoint.Authority;
        request.Headers.TryAddWithoutValidation("Authorization", SigV4Signer.Authorization(
            "POST", Endpoint, signed, payload, Region, SigningName, credentials.AccessKey, credentials.SecretKey, now));

        using var response = await _http.SendAsync(request, cancellationToken);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ErrorFrom(operation, response.StatusCode, content);
        }

        return JsonSerializer.Deserialize(content, responseType)
               ?? throw new DynamoDbStreamsException("InvalidResponse", $"{operation} returned an empty body.", response.StatusCode);
    }

    private static DynamoDbStreamsException ErrorFrom(string operation, HttpStatusCode status, byte[] content)
    {
        StreamsErrorResponse? error = null;
        try
        {
            error = content.Length > 0 ? JsonSerializer.Deserialize(content, DynamoDbStreamsJsonContext.Default.StreamsErrorResponse) : null;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): report the status alone.
        }

        var type = error?.Type ?? string.Empty;
        var code = type[(type.LastIndexOf('#') + 1)..];
        var message = error?.Message ?? error?.LowerCaseMessage ?? $"HTTP {(int)status}";
        return new DynamoDbStreamsException(code.Length > 0 ? code : $"Http{(int)status}", $"{operation}: {message}", status);
    }
}

public sealed class DynamoDbStreamsClientOptions
{
    /// <summary>Overrides the endpoint resolved from <c>AWS_ENDPOINT_URL_DYNAMODBSTREAMS</c> / <c>AWS_ENDPOINT_URL_DYNAMODB</c>.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Overrides <c>AWS_REGION</c> and the SDK's region chain.</summary>
    public string? Region { get; set; }

    /// <summary>Overrides the SDK's default credential chain.</summary>
    public AWSCredentials? Credentials { get; set; }
}

/// <summary>An error answered by the Streams API; <see cref="ErrorCode"/> is the part of <c>__type</c> after <c>#</c>.</summary>
public sealed class DynamoDbStreamsException : Exception
{
    public DynamoDbStreamsException()
    {
        ErrorCode = string.Empty;
    }

    public DynamoDbStreamsException(string message)
        : base(message)
    {
        ErrorCode = string.Empty;
    }

    public DynamoDbStreamsException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = string.Empty;
    }

    public DynamoDbStreamsException(string errorCode, string message, HttpStatusCode statusCode)
        : base(message)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    public string ErrorCode { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The iterator is older than 15 minutes: get a new one.</summary>
    public bool IsExpiredIterator => ErrorCode == "ExpiredIteratorException";

    /// <summary>The position asked for is past the 24-hour retention: restart from TRIM_HORIZON.</summary>
    public bool IsTrimmedData => ErrorCode == "TrimmedDataAccessException";

    public bool IsResourceNotFound => ErrorCode == "ResourceNotFoundException";
}
