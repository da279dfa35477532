#include <libxml/xmlversion.h>
/* libxml2's public headers pull in the system ICU when it was built with ICU; Swift's Foundation
   ships its own ICU headers, and clang refuses the two definitions of UErrorCode in one program
   (seen in release builds). Nothing here uses libxml2's ICU converter fields, so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
