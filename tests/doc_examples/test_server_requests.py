import pytest
import requests
import responses

ENDPOINT = "https://glacier.us-east-1.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}


@pytest.mark.glacier(requests=True)
def test_requests_client(glacier):
    with responses.RequestsMock() as mock:  # your own mocks keep working
        mock.get("https://example.com/config", json={"vault": "v"})
        name = requests.get("https://example.com/config").json()["vault"]
        assert requests.put(f"{ENDPOINT}/-/vaults/{name}", headers=VERSION).status_code == 201
    assert list(glacier.vaults()) == ["v"]
