package dubbo

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// ParamTypes returns the JVM descriptors of args, the way dubbo-go describes Go values:
// int64 and int are long (J), int32 int (I), string java.lang.String, []string String[], maps
// java.util.Map, other slices java.util.List, POJOs their Java class, nil V.
func ParamTypes(args []any) (string, error) {
	var b strings.Builder
	for i, a := range args {
		d := descriptor(a)
		if d == "" {
			return "", fmt.Errorf("dubbo: argument %d: no Java type for %T", i, a)
		}
		b.WriteString(d)
	}
	return b.String(), nil
}

// descriptor returns the JVM descriptor of one value, or "" when there is none.
func descriptor(v any) string {
	switch v := v.(type) {
	case nil:
		return "V"
	case bool:
		return "Z"
	case int8, uint8:
		return "B"
	case int16:
		return "S"
	case uint16:
		return "C"
	case int32:
		return "I"
	case int, int64:
		return "J"
	case float32:
		return "F"
	case float64:
		return "D"
	case string:
		return "Ljava/lang/String;"
	case time.Time:
		return "Ljava/util/Date;"
	case []byte:
		return "[B"
	case []string:
		return "[Ljava/lang/String;"
	case []int32:
		return "[I"
	case []int64, []int:
		return "[J"
	case hessian.POJOEnum:
		return classDescriptor(v.JavaClassName())
	case hessian.POJO:
		return classDescriptor(v.JavaClassName())
	}
	return kindDescriptor(reflect.TypeOf(v))
}

// kindDescriptor describes the values descriptor has no case for.
func kindDescriptor(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Map:
		return "Ljava/util/Map;"
	case reflect.Slice, reflect.Array:
		return "Ljava/util/List;"
	case reflect.Struct:
		return "Ljava/lang/Object;"
	}
	return ""
}

// classDescriptor turns a Java class name into a descriptor: a.b.C -> La/b/C;.
func classDescriptor(name string) string {
	return "L" + strings.ReplaceAll(name, ".", "/") + ";"
}
