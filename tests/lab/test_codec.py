"""Wire encodings: bit-packed states and u8 images round-trip; malformed payloads are refused."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from spinnet.lab.codec import CodecError, decode_bits, encode_bits, encode_filters, encode_u8


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (32, 32), (4, 7, 9), (64, 64)])
def test_bits_round_trip(shape, rng):
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=shape)
    payload = encode_bits(s)
    assert payload["shape"] == list(shape)
    back = decode_bits(payload)
    assert back.dtype == np.int8 and np.array_equal(back, s)


def test_bits_layout_is_big_endian_c_order():
    s = -np.ones((2, 8), dtype=np.int8)
    s[0, 0] = 1      # first bit of the first byte: 0b10000000
    s[1, 7] = 1      # last bit of the second byte: 0b00000001
    assert base64.b64decode(encode_bits(s)["bits"]) == bytes([0x80, 0x01])
    assert np.array_equal(decode_bits(encode_bits(s)), s)


def test_zero_one_input_is_packed_like_spins():
    x = np.array([[0, 1, 1, 0]])
    assert encode_bits(x) == encode_bits(2 * x - 1)


@pytest.mark.parametrize("payload, match", [
    ("abc", "object"),
    ({"shape": [2, 2]}, "object"),
    ({"shape": [2, 2], "bits": "AA==", "x": 1}, "object"),
    ({"shape": "2x2", "bits": "AA=="}, "positive integers"),
    ({"shape": [2, -2], "bits": "AA=="}, "positive integers"),
    ({"shape": [2, True], "bits": "AA=="}, "positive integers"),
    ({"shape": [1, 1, 1, 1], "bits": "AA=="}, "positive integers"),
    ({"shape": [4096, 4096], "bits": "AA=="}, "at most"),
    ({"shape": [2, 2], "bits": 5}, "base64 string"),
    ({"shape": [2, 2], "bits": "%%%="}, "base64"),
    ({"shape": [4, 4], "bits": "AA=="}, "2 bytes"),
])
def test_bad_payloads(payload, match):
    with pytest.raises(CodecError, match=match) as info:
        decode_bits(payload, field="state")
    assert info.value.field == "state"


def test_required_shape_and_batches():
    s = np.ones((3, 4, 5), dtype=np.int8)
    assert decode_bits(encode_bits(s), (4, 5)).shape == (3, 4, 5)
    with pytest.raises(CodecError, match=r"must be \[5, 4\]"):
        decode_bits(encode_bits(s[0]), (5, 4))


def test_u8_and_filters():
    x = np.array([[0.0, 0.5, 1.0, 2.0, -1.0, np.nan]])
    enc = encode_u8(x)
    q = np.frombuffer(base64.b64decode(enc["u8"]), dtype=np.uint8)
    assert enc["shape"] == [1, 6] and q.tolist() == [0, 128, 255, 255, 0, 0]
    f = np.stack([np.arange(4.0).reshape(2, 2), np.full((2, 2), 3.0)])
    q = np.frombuffer(base64.b64decode(encode_filters(f)["u8"]), dtype=np.uint8)
    assert q.tolist() == [0, 85, 170, 255, 128, 128, 128, 128]
