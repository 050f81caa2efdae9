using System.Text;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests.LocalRunner;

public sealed class SigV4SignerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void Signs_the_AWS_test_suite_get_vanilla_request()
    {
        var authorization = SigV4Signer.Authorization(
            "GET",
            new Uri("https://example.amazonaws.com/"),
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", SigV4Signer.AmzDate(SignedAt))],
            [],
            "us-east-1",
            "service",
            AccessKey,
            SecretKey,
            SignedAt);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            authorization);
    }

    [Fact]
    public void Agrees_with_the_AWS_SDK_signer_on_a_Streams_request()
    {
        var payload = Encoding.UTF8.GetBytes("""{"StreamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x"}""");
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-amz-json-1.0",
            ["host"] = "streams.dynamodb.us-east-1.amazonaws.com",
            ["x-amz-date"] = SigV4Signer.AmzDate(SignedAt),
            ["x-amz-target"] = "DynamoDBStreams_20120810.DescribeStream",
        };
        var canonicalRequest =
            "POST\n/\n\n" + string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")) + "\n" +
            string.Join(';', headers.Keys) + "\n" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload));

        var ours = SigV4Signer.Authorization("POST", new Uri("https://streams.dynamodb.us-east-1.amazonaws.com/"), headers, payload,
            "us-east-1", "dynamodb", AccessKey, SecretKey, SignedAt);
        var sdk = Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeSignature(AccessKey, SecretKey, "us-east-1", SignedAt.UtcDateTime,
            "dynamodb", string.Join(';', headers.Keys), canonicalRequest);

        Assert.Equal(sdk.ForAuthorizationHeader, ours);
    }
}
