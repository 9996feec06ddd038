/* Resource quantities as k8s.io/apimachinery/pkg/api/resource does them: "100m", "1.5Gi", "1e3",
 * parsed into an exact decimal (never a float), rounded up to the nano, and printed the way
 * Quantity.String() prints them, including the formats (DecimalSI, BinarySI, DecimalExponent). */
#ifndef C8S_QUANTITY_H
#define C8S_QUANTITY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

/* How a quantity prints; parsing remembers the form its suffix had. */
enum quantity_format {
    QUANTITY_DECIMAL_SI,       /* 12M, 100m */
    QUANTITY_BINARY_SI,        /* 12Mi */
    QUANTITY_DECIMAL_EXPONENT, /* 12e6 */
};

/* More significant digits than this are refused with -ERANGE (Kubernetes has no limit; a
 * quantity this precise does not occur in practice). */
#define QUANTITY_DIGITS_MAX 64
/* Every printed quantity fits in this many bytes, terminator included. */
#define QUANTITY_STR_MAX 128

/* A value type: copy it with `=`, nothing to free. The value is
 * (negative ? -1 : 1) * digits * 10^exp, with digits free of leading and trailing zeros, so two
 * equal values have equal fields. A zeroed struct (QUANTITY_ZERO) is 0 in DecimalSI. */
struct quantity {
    int64_t exp;
    uint8_t ndigits; /* 0 for zero */
    bool negative;
    enum quantity_format format;
    char digits[QUANTITY_DIGITS_MAX]; /* ASCII '0'..'9', not terminated */
    /* Like Quantity.s: the input text, reused by quantity_format when Kubernetes reuses it
     * ("+1" prints as "+1"), else "". Arithmetic clears it. */
    char text[QUANTITY_STR_MAX];
};

#define QUANTITY_ZERO \
    {                 \
        0             \
    }

/* Parses s as resource.ParseQuantity does. Errors (-EINVAL) carry Kubernetes' messages:
 * "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
 * "unable to parse quantity's suffix", "unable to parse numeric part of quantity"; -ERANGE when
 * the value needs more than QUANTITY_DIGITS_MAX digits. out is untouched on failure. */
int quantity_parse(const char *s, struct quantity *out, struct err *err) C8S_MUST_USE;

/* Writes q as Quantity.String() does ("500m", "1536Mi", "1e3", "0") into buf; returns buf. */
char *quantity_format(const struct quantity *q, char buf[QUANTITY_STR_MAX]);

/* Sets q to value * 10^scale in format (NewQuantity: scale 0; NewMilliQuantity: scale -3). */
void quantity_init_scaled(struct quantity *q, int64_t value, int scale,
                          enum quantity_format format);

/* -1, 0 or 1 as a < b, a == b, a > b (values only; formats are ignored). */
int quantity_cmp(const struct quantity *a, const struct quantity *b);

/* -1, 0 or 1 by the sign of q. */
int quantity_sign(const struct quantity *q);

/* q += y (q -= y). When q was zero it takes y's format, as Quantity.Add does. -ERANGE (q
 * untouched) when the exact sum needs more than QUANTITY_DIGITS_MAX digits. */
int quantity_add(struct quantity *q, const struct quantity *y, struct err *err) C8S_MUST_USE;
int quantity_sub(struct quantity *q, const struct quantity *y, struct err *err) C8S_MUST_USE;

/* q = -q. */
void quantity_neg(struct quantity *q);

/* ceil(q / 10^scale), rounded away from zero (Quantity.ScaledValue). -ERANGE when it does not
 * fit an int64 (*out untouched). */
int quantity_scaled_value(const struct quantity *q, int scale, int64_t *out) C8S_MUST_USE;

/* Value() (whole units, e.g. bytes) and MilliValue() (e.g. millicores), rounded away from zero.
 * They saturate at INT64_MIN/INT64_MAX where Kubernetes would overflow. */
int64_t quantity_value(const struct quantity *q);
int64_t quantity_milli_value(const struct quantity *q);

/* Reads a quantity from JSON as Quantity.UnmarshalJSON does: a string (surrounding whitespace
 * trimmed), a number, or null (zero). Borrows v. Errors as quantity_parse. */
int quantity_from_json(const json_t *v, struct quantity *out, struct err *err) C8S_MUST_USE;

/* Returns a new reference: the JSON string of quantity_format(q). */
json_t *quantity_to_json(const struct quantity *q);

#endif
