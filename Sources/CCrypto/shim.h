#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

/// Glue for verifying JWS signatures with public keys given as JWK numbers (OpenSSL 3 provider API).
/// Returns 1 when the signature is valid, 0 when it is not, -1 when the key could not be built.

static inline int cc_digest_verify_sha256(EVP_PKEY *pkey, const unsigned char *msg, size_t msg_len,
                                          const unsigned char *sig, size_t sig_len) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL) return -1;
    int result = -1;
    if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1) {
        result = EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1 ? 1 : 0;
    }
    EVP_MD_CTX_free(md);
    return result;
}

static inline EVP_PKEY *cc_pkey_from_params(const char *type, OSSL_PARAM_BLD *bld) {
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) return NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;
    if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1) {
        if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with the key (n, e), big-endian; keys under 2048 bits are refused (-1).
static inline int cc_verify_rs256(const unsigned char *n, size_t n_len, const unsigned char *e, size_t e_len,
                                  const unsigned char *msg, size_t msg_len, const unsigned char *sig, size_t sig_len) {
    BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL);
    BIGNUM *bn_e = BN_bin2bn(e, (int)e_len, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    int result = -1;
    if (bn_n && bn_e && bld && BN_num_bits(bn_n) >= 2048 && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
        EVP_PKEY *pkey = cc_pkey_from_params("RSA", bld);
        if (pkey != NULL) {
            result = cc_digest_verify_sha256(pkey, msg, msg_len, sig, sig_len);
            EVP_PKEY_free(pkey);
        }
    }
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return result;
}

/// ES256 (ECDSA P-256 with SHA-256) with the point (x, y), 32 bytes each; `sig` is JWS's raw r||s (64 bytes).
static inline int cc_verify_es256(const unsigned char *x, const unsigned char *y, const unsigned char *msg, size_t msg_len,
                                  const unsigned char *sig) {
    unsigned char point[65];
    point[0] = 0x04;
    memcpy(point + 1, x, 32);
    memcpy(point + 33, y, 32);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    int result = -1;
    if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) == 1) {
        EVP_PKEY *pkey = cc_pkey_from_params("EC", bld);
        if (pkey != NULL) {
            ECDSA_SIG *ecdsa = ECDSA_SIG_new();
            BIGNUM *r = BN_bin2bn(sig, 32, NULL);
            BIGNUM *s = BN_bin2bn(sig + 32, 32, NULL);
            if (ecdsa && r && s && ECDSA_SIG_set0(ecdsa, r, s) == 1) {
                r = NULL;
                s = NULL;
                unsigned char *der = NULL;
                int der_len = i2d_ECDSA_SIG(ecdsa, &der);
                if (der_len > 0) {
                    result = cc_digest_verify_sha256(pkey, msg, msg_len, der, (size_t)der_len);
                    OPENSSL_free(der);
                }
            }
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(ecdsa);
            EVP_PKEY_free(pkey);
        }
    }
    OSSL_PARAM_BLD_free(bld);
    return result;
}

/// Glue for signing JWS with a private key in PEM (fake identity providers in tests). EVP_RSA_gen and
/// EVP_EC_gen are variadic macros, so key generation is wrapped here. Each function returns the number
/// of bytes written to `out`, or -1 when the key could not be built or is too large for `cap`.

static inline int cc_bio_copy(BIO *bio, char *out, size_t cap) {
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    if (len <= 0 || (size_t)len > cap) return -1;
    memcpy(out, data, (size_t)len);
    return (int)len;
}

/// A new private key in PKCS#8 PEM: RSA of `bits` when `ec` is 0, P-256 otherwise.
static inline int cc_generate_key_pem(int ec, unsigned int bits, char *out, size_t cap) {
    EVP_PKEY *pkey = ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(bits);
    if (pkey == NULL) return -1;
    BIO *bio = BIO_new(BIO_s_mem());
    int result = -1;
    if (bio && PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) == 1) result = cc_bio_copy(bio, out, cap);
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return result;
}

/// The private key in `pem` if it is of `type` ("RSA" or "EC"), else NULL.
static inline EVP_PKEY *cc_private_key(const char *pem, const char *type) {
    BIO *bio = BIO_new_mem_buf(pem, -1);
    if (bio == NULL) return NULL;
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (pkey != NULL && EVP_PKEY_is_a(pkey, type) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    return pkey;
}

/// The public half of a private key as SubjectPublicKeyInfo PEM.
static inline int cc_public_key_pem(const char *pem, const char *type, char *out, size_t cap) {
    EVP_PKEY *pkey = cc_private_key(pem, type);
    if (pkey == NULL) return -1;
    BIO *bio = BIO_new(BIO_s_mem());
    int result = -1;
    if (bio && PEM_write_bio_PUBKEY(bio, pkey) == 1) result = cc_bio_copy(bio, out, cap);
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return result;
}

/// One big-endian public number of the key: `name` is OSSL_PKEY_PARAM_RSA_N, _RSA_E, _EC_PUB_X or _EC_PUB_Y;
/// `pad` > 0 left-pads to that many bytes (EC coordinates are 32 bytes in a JWK).
static inline int cc_public_number(const char *pem, const char *type, const char *name, int pad, unsigned char *out, size_t cap) {
    EVP_PKEY *pkey = cc_private_key(pem, type);
    if (pkey == NULL) return -1;
    BIGNUM *bn = NULL;
    int result = -1;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) == 1) {
        int len = pad > 0 ? pad : BN_num_bytes(bn);
        if (len > 0 && (size_t)len <= cap) result = BN_bn2binpad(bn, out, len);
    }
    BN_free(bn);
    EVP_PKEY_free(pkey);
    return result;
}

/// A SHA-256 signature of `msg` with the private key in `pem`: RSASSA-PKCS1-v1_5 for "RSA", and for
/// "EC" ECDSA converted from DER to JWS's raw r||s (64 bytes).
static inline int cc_sign_sha256(const char *pem, const char *type, const unsigned char *msg, size_t msg_len,
                                 unsigned char *out, size_t cap) {
    EVP_PKEY *pkey = cc_private_key(pem, type);
    if (pkey == NULL) return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[1024];
    size_t der_len = sizeof der;
    int result = -1;
    if (md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
        EVP_DigestSign(md, NULL, &der_len, msg, msg_len) == 1 && der_len <= sizeof der &&
        EVP_DigestSign(md, der, &der_len, msg, msg_len) == 1) {
        if (EVP_PKEY_is_a(pkey, "EC") == 1) {
            const unsigned char *p = der;
            ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
            if (sig != NULL && cap >= 64 && BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32) == 32 &&
                BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32) == 32) result = 64;
            ECDSA_SIG_free(sig);
        } else if (der_len <= cap) {
            memcpy(out, der, der_len);
            result = (int)der_len;
        }
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return result;
}
