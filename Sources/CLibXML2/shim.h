#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
